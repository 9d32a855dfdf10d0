// The plain table both readers (CSV, XLSX) produce, so that everything after reading is the same
// code whatever the file type. Row numbers are the ones the operator sees in Excel (1-based).

import { ImportLimitError, MAX_COLUMNS, MAX_ROWS } from './limits.ts';

/** One cell as read from the file. Excel stores dates and times as typed values, CSV never does. */
export type Cell =
  /** `link`: the address behind an Excel hyperlink cell, whose text is only its label. */
  | { kind: 'text'; text: string; link?: string }
  | { kind: 'number'; value: number }
  /** An Excel date cell; `minute` is set when the cell also carries a time of day. */
  | { kind: 'date'; year: number; month: number; day: number; minute?: number }
  /** An Excel time-only cell (Excel keeps these as a date on 1899-12-30). */
  | { kind: 'time'; minute: number };

export interface TableRow {
  /** 1-based row number as shown by Excel. */
  row: number;
  /** Cells by 0-based column position; `undefined` for an empty cell. */
  cells: (Cell | undefined)[];
}

export interface Table {
  /** The worksheet the steps come from (XLSX), for notes. */
  sheetName?: string;
  rows: TableRow[];
  /** Key/value rows from a second worksheet named `meta` or `设置` (XLSX only). */
  meta?: { sheetName: string; rows: TableRow[] };
}

/** The text of a cell as the operator would read it; empty string for an empty cell. */
export function cellText(cell: Cell | undefined): string {
  if (!cell) return '';
  switch (cell.kind) {
    case 'text':
      return cell.text;
    case 'number':
      return String(cell.value);
    case 'date': {
      const d = `${cell.year}-${pad(cell.month)}-${pad(cell.day)}`;
      return cell.minute === undefined ? d : `${d} ${clock(cell.minute)}`;
    }
    case 'time':
      return clock(cell.minute);
  }
}

export function isBlank(cell: Cell | undefined): boolean {
  return cellText(cell).trim() === '';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function clock(minute: number): string {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/** Spreadsheet column letter for a 0-based position: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * Refuses a table over MAX_ROWS rows with content or MAX_COLUMNS columns, naming the row where the
 * limit is passed. Both readers call it.
 */
export function checkTableSize(rows: readonly TableRow[], where: string): void {
  let filled = 0;
  for (const r of rows) {
    if (r.cells.length > MAX_COLUMNS && r.cells.slice(MAX_COLUMNS).some((c) => c !== undefined)) {
      throw new ImportLimitError(`${where} row ${r.row} has content past column ${MAX_COLUMNS}; a sheet to import may have at most ${MAX_COLUMNS} columns`, r.row);
    }
    if (r.cells.some((c) => c !== undefined)) filled++;
    if (filled > MAX_ROWS) {
      throw new ImportLimitError(`${where} has more than ${MAX_ROWS.toLocaleString('en')} rows with content (row ${r.row} is past the limit); a sheet holds at most 1,000 steps, so split it`, r.row);
    }
  }
}
