// Measures an .xlsx archive before exceljs opens it. The central directory says how big each file
// unpacks to, which refuses most zip bombs for the price of reading a few hundred bytes; but a
// crafted archive can lie there, so every entry is then inflated with a hard ceiling
// (`maxOutputLength`) and its true size must match what the directory says. exceljs (JSZip) reads
// the same directory and the same bytes, so what it unpacks afterwards is what was measured here.

import { inflateRawSync } from 'node:zlib';
import { formatBytes, formatOver } from '../limits.ts';
import {
  ImportLimitError,
  MAX_ROW_ELEMENTS,
  MAX_UNZIPPED_BYTES,
  MAX_UNZIPPED_XML_BYTES,
  MAX_ZIP_ENTRIES,
} from './limits.ts';

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Throws ImportLimitError when the archive is over a cap; other errors mean it is not a readable zip. */
export function checkZip(data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entries = centralDirectory(data, view);
  if (entries.length > MAX_ZIP_ENTRIES) {
    throw new ImportLimitError(`the workbook holds ${entries.length} files inside; a workbook may hold at most ${MAX_ZIP_ENTRIES}`);
  }
  // What the archive says about itself: cheap, and enough for every honest file.
  let declared = 0;
  let declaredXml = 0;
  for (const e of entries) {
    declared += e.size;
    if (isXml(e.name)) declaredXml += e.size;
  }
  if (declared > MAX_UNZIPPED_BYTES) throw tooBig(`unpacks to ${formatOver(declared, MAX_UNZIPPED_BYTES)}`, MAX_UNZIPPED_BYTES, 'in all');
  if (declaredXml > MAX_UNZIPPED_XML_BYTES) throw tooBig(`holds ${formatOver(declaredXml, MAX_UNZIPPED_XML_BYTES)} of sheet data`, MAX_UNZIPPED_XML_BYTES, 'of sheet data');

  // What it really holds: inflate with a ceiling, so a lying archive stops at the cap.
  let total = 0;
  let totalXml = 0;
  for (const e of entries) {
    const body = entryData(data, view, e);
    const xml = isXml(e.name);
    const room = Math.min(MAX_UNZIPPED_BYTES - total, xml ? MAX_UNZIPPED_XML_BYTES - totalXml : Number.POSITIVE_INFINITY);
    let out: Uint8Array;
    if (e.method === 0) out = body;
    else if (e.method === 8) {
      try {
        out = inflateRawSync(body, { maxOutputLength: Math.max(1, room + 1) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
          throw tooBig(`unpacks to more than the limit (at ${e.name})`, xml ? MAX_UNZIPPED_XML_BYTES : MAX_UNZIPPED_BYTES, xml ? 'of sheet data' : 'in all');
        }
        throw new Error(`the part ${e.name} of the workbook is damaged`);
      }
    } else throw new Error(`the part ${e.name} of the workbook is packed in a way Excel does not use (method ${e.method})`);
    if (out.length > room) throw tooBig(`unpacks to more than the limit (at ${e.name})`, xml ? MAX_UNZIPPED_XML_BYTES : MAX_UNZIPPED_BYTES, xml ? 'of sheet data' : 'in all');
    if (out.length !== e.size) throw new Error(`the part ${e.name} of the workbook is not the size the archive says (${out.length} bytes, not ${e.size})`);
    total += out.length;
    if (xml) totalXml += out.length;
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(e.name)) checkRowElements(out, e.name);
  }
}

function tooBig(what: string, cap: number, kind: string): ImportLimitError {
  return new ImportLimitError(`the workbook ${what}; a workbook may unpack to at most ${formatBytes(cap)} ${kind}. Keep only the SOP table in it (remove pictures and other sheets), or save it as .csv`);
}

const isXml = (name: string) => /\.(xml|rels|vml)$/i.test(name);

/** Counts `<row` elements: a worksheet of a million formatted rows is refused before it is parsed. */
function checkRowElements(xml: Uint8Array, name: string): void {
  const buf = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  let n = 0;
  for (let i = buf.indexOf('<row'); i >= 0; i = buf.indexOf('<row', i + 4)) {
    const next = buf[i + 4];
    // `<row ` or `<row>`, not `<rowBreaks`.
    if (next === 0x20 || next === 0x3e || next === 0x09 || next === 0x0a || next === 0x0d) n++;
    if (n > MAX_ROW_ELEMENTS) {
      const sheet = name.replace(/^.*\//, '').replace(/\.xml$/i, '');
      throw new ImportLimitError(`the worksheet ${sheet} of the workbook has more than ${MAX_ROW_ELEMENTS.toLocaleString('en')} rows (formatted empty rows count); delete the unused rows below the table, or save it as .csv`);
    }
  }
}

function centralDirectory(data: Uint8Array, view: DataView): Entry[] {
  // The end-of-central-directory record is in the last 22 bytes + up to 64 KB of comment.
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('it is not a complete zip archive (the end of it is missing)');
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new ImportLimitError('the workbook is a ZIP64 archive, which only files far larger than an SOP sheet need');
  }
  if (offset + size > data.length) throw new Error('it is not a complete zip archive (its table of contents is cut off)');
  const out: Entry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || view.getUint32(at, true) !== CENTRAL) throw new Error('its table of contents is damaged');
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    out.push({
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: new TextDecoder().decode(data.subarray(at + 46, at + 46 + nameLen)),
    });
    at += 46 + nameLen + extraLen + commentLen;
    if (out.length > MAX_ZIP_ENTRIES) break;
  }
  return out;
}

function entryData(data: Uint8Array, view: DataView, e: Entry): Uint8Array {
  const at = e.localOffset;
  if (at + 30 > data.length || view.getUint32(at, true) !== LOCAL) throw new Error(`the part ${e.name} of the workbook is damaged`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + e.compressedSize > data.length) throw new Error(`the part ${e.name} of the workbook is cut off`);
  return data.subarray(start, start + e.compressedSize);
}
