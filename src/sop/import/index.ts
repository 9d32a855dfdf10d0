// Spreadsheet import: a .csv or .xlsx SOP sheet → a valid v1 sheet YAML, or every row error at once.
// Nothing is half-written: when any row cannot be read, no YAML is produced.

import { parseSheet } from '../parse.ts';
import { SheetError } from '../errors.ts';
import type { ParsedSheet } from '../types.ts';
import { formatBytes, formatOver } from '../limits.ts';
import { findHeader } from './headers.ts';
import { ImportLimitError, MAX_CSV_BYTES, MAX_IMPORT_FILE_BYTES } from './limits.ts';
import { type ImportOptions, readHeaderFields } from './meta.ts';
import { readCsv } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';
import { type RowError, readRows } from './rows.ts';
import type { Table } from './table.ts';
import { toYaml } from './to-yaml.ts';
import { checkZip } from './zip-check.ts';

export type { ImportOptions } from './meta.ts';
export type { RowError } from './rows.ts';
export { COLUMN_NAMES } from './headers.ts';
export * as IMPORT_LIMITS from './limits.ts';
export { ACTION_WORDS, COMMUNITY_WORDS, KIND_WORDS, OWNER_WORDS } from './vocabulary.ts';

export type ImportResult =
  | { ok: true; yaml: string; sheet: ParsedSheet; notes: string[] }
  | { ok: false; errors: RowError[] };

export async function importSpreadsheet(data: Uint8Array, fileName: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const table = await readTable(data, fileName);
  if (!table.ok) return { ok: false, errors: [{ row: table.row ?? 0, message: table.message }] };
  const rows = table.value.rows;
  const header = findHeader(rows);
  if (!header.ok) return { ok: false, errors: [{ row: header.row, message: header.message }] };

  const above = rows.filter((r) => r.row < header.headerRow);
  const meta = readHeaderFields(fileName, opts, above, table.value.meta);
  const body = rows.filter((r) => r.row > header.headerRow);
  const read = readRows(body, header.columns, meta.fields.anchorDate, header.variants);
  const errors = [...meta.errors, ...read.errors].sort((a, b) => a.row - b.row);
  if (errors.length) return { ok: false, errors };
  if (!read.steps.length) {
    return { ok: false, errors: [{ row: header.headerRow, message: 'there are no steps under the header row; each row below it should be one step' }] };
  }

  const notes = [...meta.notes, ...read.notes];
  if (table.value.sheetName) notes.unshift(`steps were read from the worksheet ${table.value.sheetName}, header on row ${header.headerRow}`);
  if (header.variants.length) {
    notes.push(`the columns ${header.variants.map((v) => v.label).join(', ')} were read as variants ${header.variants.map((v) => v.id).join(', ')} of each row's text (a row with two or more of them filled gets \`variants:\`)`);
  }
  if (header.unused.length) notes.push(`these columns were not used: ${header.unused.join(', ')}`);

  const source = fileName.replace(/^.*[\\/]/, '');
  const yaml = toYaml(meta.fields, read.steps, source);
  try {
    const sheet = parseSheet(yaml, source.replace(/\.[^.]+$/, '.yaml'));
    return { ok: true, yaml, sheet, notes };
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    // The importer checks every cell itself, so this means the two disagree; say where anyway.
    return {
      ok: false,
      errors: e.problems.map((p) => {
        const step = /^steps\.(\d+)/.exec(p.path ?? '');
        const row = step ? (read.steps[Number(step[1])]?.row ?? 0) : 0;
        return { row, message: `the imported sheet did not pass the sheet check: ${p.message}` };
      }),
    };
  }
}

/** `sheet.csv: row 7, column 时间: …` — the form every caller prints an import error in. */
export function formatRowError(fileName: string, e: RowError): string {
  const where = [e.row > 0 ? `row ${e.row}` : '', e.column ? `column ${e.column}` : ''].filter(Boolean).join(', ');
  return `${fileName}: ${where ? `${where}: ` : ''}${e.message}`;
}

type TableRead = { ok: true; value: Table } | { ok: false; message: string; row?: number };

async function readTable(data: Uint8Array, fileName: string): Promise<TableRead> {
  if (data.length > MAX_IMPORT_FILE_BYTES) {
    return { ok: false, message: `the file is ${formatOver(data.length, MAX_IMPORT_FILE_BYTES)}; a spreadsheet to import may be at most ${formatBytes(MAX_IMPORT_FILE_BYTES)}` };
  }
  const ext = /\.([^.\\/]+)$/.exec(fileName)?.[1]?.toLowerCase();
  // An .xlsx file is a zip archive; the signature settles it whatever the name says.
  const isZip = data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  // The old binary Excel format (.xls, .et) starts with the OLE2 signature D0 CF 11 E0.
  const isOle = data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0;
  if (isOle || ext === 'xls') {
    return { ok: false, message: 'this is an old Excel file (.xls); open it in Excel or WPS and save it as .xlsx or .csv, then import that' };
  }
  if (isZip || ext === 'xlsx') {
    try {
      checkZip(data);
      return { ok: true, value: await readXlsx(data) };
    } catch (e) {
      if (e instanceof ImportLimitError) return { ok: false, message: e.message, row: e.row };
      return { ok: false, message: `the file cannot be opened as an Excel workbook (.xlsx): ${(e as Error).message}` };
    }
  }
  if (ext === undefined || ext === 'csv' || ext === 'txt' || ext === 'tsv') {
    if (data.length > MAX_CSV_BYTES) {
      return { ok: false, message: `the file is ${formatOver(data.length, MAX_CSV_BYTES)}; a CSV file to import may be at most ${formatBytes(MAX_CSV_BYTES)}` };
    }
    try {
      return { ok: true, value: readCsv(data) };
    } catch (e) {
      if (e instanceof ImportLimitError) return { ok: false, message: e.message, row: e.row };
      return { ok: false, message: `the file cannot be read as CSV: ${(e as Error).message}` };
    }
  }
  return { ok: false, message: `.${ext} files cannot be imported; save the sheet as .xlsx or .csv` };
}
