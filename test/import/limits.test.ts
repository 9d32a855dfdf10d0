// Workbook caps: zip bombs (honest and lying archives), rows, columns and file sizes are refused
// before exceljs expands them, with a message that says what and where.

import ExcelJS from 'exceljs';
// exceljs reads workbooks with JSZip; the bombs are built with the same library.
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS, importSpreadsheet } from '../../src/sop/import/index.ts';

const { MAX_COLUMNS, MAX_CSV_BYTES, MAX_IMPORT_FILE_BYTES, MAX_ROW_ELEMENTS, MAX_ROWS, MAX_UNZIPPED_BYTES } = IMPORT_LIMITS;

async function smallBook(): Promise<JSZip> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('SOP');
  ws.addRow(['Day', 'Time', 'Action', 'Content', 'Owner']);
  ws.addRow(['D1', '07:00', 'post', 'Good morning', 'bot']);
  const bytes = await book.xlsx.writeBuffer();
  return JSZip.loadAsync(bytes as ArrayBuffer);
}

async function zipBytes(zip: JSZip): Promise<Uint8Array> {
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

function firstError(r: Awaited<ReturnType<typeof importSpreadsheet>>): { row: number; message: string } {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors[0];
}

/** Rewrites the uncompressed size of `name` in the central directory and the local header. */
function lieAboutSize(data: Uint8Array, name: string, size: number): Uint8Array {
  const out = new Uint8Array(data);
  const view = new DataView(out.buffer);
  const target = new TextEncoder().encode(name);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) {
      const n = view.getUint16(i + 28, true);
      if (n === target.length && out.subarray(i + 46, i + 46 + n).every((b, k) => b === target[k])) {
        view.setUint32(i + 24, size, true);
        view.setUint32(view.getUint32(i + 42, true) + 22, size, true);
      }
    }
  }
  return out;
}

describe('workbook caps', () => {
  it('an ordinary workbook still imports', async () => {
    const r = await importSpreadsheet(await zipBytes(await smallBook()), 'ok.xlsx');
    expect(r.ok).toBe(true);
  });

  it('refuses a zip bomb by the sizes its table of contents declares, before exceljs opens it', async () => {
    const zip = await smallBook();
    zip.file('xl/media/image1.png', new Uint8Array(MAX_UNZIPPED_BYTES + 1024 * 1024));
    const data = await zipBytes(zip);
    expect(data.length).toBeLessThan(200 * 1024); // 33 MB of zeros packs into a few dozen KB
    const e = firstError(await importSpreadsheet(data, 'bomb.xlsx'));
    expect(e.message).toMatch(/^the workbook unpacks to 33 MB; a workbook may unpack to at most 32 MB in all/);
  });

  it('refuses sheet data past its own cap (the XML exceljs parses)', async () => {
    const zip = await smallBook();
    zip.file('xl/sharedStrings2.xml', `<sst>${'<si><t>x</t></si>'.repeat(600_000)}</sst>`);
    const e = firstError(await importSpreadsheet(await zipBytes(zip), 'strings.xlsx'));
    expect(e.message).toMatch(/of sheet data; a workbook may unpack to at most 8 MB of sheet data/);
  });

  it('refuses a lying archive while inflating: the real bytes stop at the cap', async () => {
    const zip = await smallBook();
    zip.file('xl/media/image1.png', new Uint8Array(MAX_UNZIPPED_BYTES * 2));
    const honest = await zipBytes(zip);
    const lying = lieAboutSize(honest, 'xl/media/image1.png', 1000);
    const e = firstError(await importSpreadsheet(lying, 'liar.xlsx'));
    expect(e.message).toContain('unpacks to more than the limit (at xl/media/image1.png)');
  });

  it('refuses a worksheet of formatted empty rows before parsing it', async () => {
    const zip = await smallBook();
    const path = Object.keys(zip.files).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))!;
    const xml = await zip.file(path)!.async('string');
    const rows = Array.from({ length: MAX_ROW_ELEMENTS + 5 }, (_, i) => `<row r="${i + 10}" s="1"/>`).join('');
    zip.file(path, xml.replace('</sheetData>', `${rows}</sheetData>`));
    const e = firstError(await importSpreadsheet(await zipBytes(zip), 'rows.xlsx'));
    expect(e.message).toMatch(/^the worksheet sheet1 of the workbook has more than 20,000 rows/);
  });

  it('refuses more than 2,000 rows with content, naming the row', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('SOP');
    ws.addRow(['Day', 'Time', 'Action', 'Content', 'Owner']);
    for (let i = 0; i < MAX_ROWS + 10; i++) ws.addRow(['D1', '07:00', 'post', `m${i}`, 'bot']);
    const data = new Uint8Array(await book.xlsx.writeBuffer());
    const e = firstError(await importSpreadsheet(data, 'big.xlsx'));
    expect(e.row).toBe(MAX_ROWS + 1);
    expect(e.message).toBe(
      `the worksheet SOP has more than 2,000 rows with content (row ${MAX_ROWS + 1} is past the limit); a sheet holds at most 1,000 steps, so split it`,
    );
  });

  it('refuses content past column 100', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('SOP');
    ws.addRow(['Day', 'Time', 'Action', 'Content', 'Owner']);
    ws.getCell(2, MAX_COLUMNS + 1).value = 'far';
    const e = firstError(await importSpreadsheet(new Uint8Array(await book.xlsx.writeBuffer()), 'wide.xlsx'));
    expect(e).toEqual({ row: 2, message: 'the worksheet SOP row 2 has content past column 100; a sheet to import may have at most 100 columns' });
  });

  it('refuses CSV files over their size and row caps', async () => {
    const big = new TextEncoder().encode(`Day,Time,Action,Content\n${'D1,07:00,post,x\n'.repeat(MAX_CSV_BYTES / 16 + 10)}`);
    expect(firstError(await importSpreadsheet(big, 'big.csv')).message).toMatch(/^the file is 2,097,[0-9]+ bytes; a CSV file to import may be at most 2 MB/);
    const many = new TextEncoder().encode(`Day,Time,Action,Content\n${'D1,07:00,post,x\n'.repeat(MAX_ROWS + 1)}`);
    const e = firstError(await importSpreadsheet(many, 'many.csv'));
    expect(e.row).toBe(MAX_ROWS + 1);
    expect(e.message).toContain('the file has more than 2,000 rows with content');
  });

  it('refuses a file over the upload cap whatever it holds', async () => {
    const e = firstError(await importSpreadsheet(new Uint8Array(MAX_IMPORT_FILE_BYTES + 1), 'huge.xlsx'));
    expect(e.message).toBe('the file is 5,242,881 bytes; a spreadsheet to import may be at most 5 MB');
  });
});
