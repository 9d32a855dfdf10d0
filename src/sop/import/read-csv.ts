// CSV bytes → Table. Excel on a Chinese Windows saves "CSV" in GB18030 (GBK) and "Unicode text"
// as UTF-16 with tabs, so the encoding and the separator are detected instead of assumed.

import { parse } from 'csv-parse/sync';
import { checkTableSize, type Table, type TableRow } from './table.ts';

export function readCsv(data: Uint8Array): Table {
  const records = readCsvRecords(data);
  const rows: TableRow[] = records.map((fields, i) => ({
    row: i + 1,
    cells: fields.map((f) => {
      const t = f.replace(/\r\n?/g, '\n');
      return t.trim() === '' ? undefined : { kind: 'text', text: t };
    }),
  }));
  checkTableSize(rows, 'the file');
  return { rows };
}

/**
 * The records of a CSV file, whatever its encoding and separator; record N is row N as Excel
 * numbers it (empty lines are kept). The people imports (src/community/imports/) read with it too.
 */
export function readCsvRecords(data: Uint8Array): string[][] {
  const text = decode(data);
  // Empty lines are kept (not skipped) so that record N is row N, as Excel numbers it.
  return parse(text, {
    delimiter: guessDelimiter(text),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
}

function decode(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return new TextDecoder('utf-8').decode(data.subarray(3));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    // Not valid UTF-8: the Excel "CSV" default on Chinese Windows is GB18030 (a superset of GBK).
    return new TextDecoder('gb18030').decode(data);
  }
}

/** The separator used most on the first non-empty lines, outside quotes: comma, tab or semicolon. */
function guessDelimiter(text: string): string {
  const sample = text.split('\n').filter((l) => l.trim()).slice(0, 10).join('\n').replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';']) {
    const count = sample.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}
