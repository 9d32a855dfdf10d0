// XLSX bytes → Table, with exceljs. Dates and times stay typed (Excel keeps them as serial numbers
// that exceljs turns into UTC Date objects); merged cells repeat their value on every row they
// cover, which is what an operator means by merging a Day cell over several rows.

import ExcelJS from 'exceljs';
import { type Cell, checkTableSize, type Table, type TableRow } from './table.ts';

const META_SHEET_NAMES = ['meta', '设置'];

export async function readXlsx(data: Uint8Array): Promise<Table> {
  const book = new ExcelJS.Workbook();
  // exceljs's typings want its own Buffer type; a Node Buffer over the same bytes is what it reads.
  await book.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ExcelJS.Buffer);
  const sheets = book.worksheets.filter((w) => w.state !== 'hidden' && w.state !== 'veryHidden');
  const isMeta = (w: ExcelJS.Worksheet) => META_SHEET_NAMES.includes(w.name.trim().toLowerCase());
  const main = sheets.find((w) => !isMeta(w));
  if (!main) return { rows: [] };
  const meta = sheets.find(isMeta);
  return { sheetName: main.name, rows: readRows(main), ...(meta ? { meta: { sheetName: meta.name, rows: readRows(meta) } } : {}) };
}

function readRows(sheet: ExcelJS.Worksheet): TableRow[] {
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: (Cell | undefined)[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = toCell(cell.value);
    });
    rows.push({ row: number, cells });
  });
  checkTableSize(rows, `the worksheet ${sheet.name}`);
  return rows;
}

function toCell(value: ExcelJS.CellValue): Cell | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : { kind: 'text', text: value.replace(/\r\n?/g, '\n') };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return fromDate(value);
  if (typeof value === 'object') {
    if ('richText' in value) return toCell(value.richText.map((r) => r.text).join(''));
    if ('hyperlink' in value) {
      // A link cell shows a label; the address is what a Link column means.
      const label = typeof value.text === 'string' ? value.text.trim() : '';
      return { kind: 'text', text: label || value.hyperlink, link: value.hyperlink };
    }
    if ('result' in value) return toCell((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return { kind: 'text', text: String(value.error) };
  }
  return undefined;
}

function fromDate(d: Date): Cell {
  // exceljs builds the Date as if the serial number were UTC; round to the minute because a
  // serial like 0.29166666 comes back as 06:59:59.999.
  const t = new Date(Math.round(d.getTime() / 60_000) * 60_000);
  const minute = t.getUTCHours() * 60 + t.getUTCMinutes();
  // Excel's day 0 is 1899-12-30 (exceljs) / 1899-12-31: a cell on those days holds only a time.
  if (t.getUTCFullYear() < 1900) return { kind: 'time', minute };
  return {
    kind: 'date',
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    ...(minute ? { minute } : {}),
  };
}
