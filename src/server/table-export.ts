// Any list the console shows as a table, as a file for a spreadsheet: CSV (UTF-8 with a
// byte-order mark, so Excel reads Chinese right; fields quoted and formulas defused as the members'
// export does) or XLSX (exceljs: a bold header row, frozen, columns sized to their content). A
// list route takes `?format=csv|xlsx` and answers the rows it would show, with the column headers
// in the reader's language.

import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CSV_BOM, csvCell } from '../community/export.ts';

export type TableFormat = 'csv' | 'xlsx';
export type Cell = string | number | boolean | null;

/** The query field a list route adds: absent for JSON. */
export const tableFormat = z.enum(['csv', 'xlsx']).optional();

export interface TableColumn<R> {
  header: string;
  value: (row: R) => Cell;
}

export interface Table<R> {
  /** The file's name without extension (ASCII; the sheet's name in XLSX too). */
  name: string;
  columns: readonly TableColumn<R>[];
  rows: readonly R[];
}

export function tableCsv<R>(t: Table<R>): string {
  const lines = [t.columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(c.value(r))).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

export async function tableXlsx<R>(t: Table<R>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(t.name.slice(0, 31) || 'table', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(t.columns.map((c) => c.header)).font = { bold: true };
  for (const r of t.rows) sheet.addRow(t.columns.map((c) => c.value(r)));
  sheet.columns.forEach((col, i) => {
    let width = t.columns[i].header.length * 2;
    col.eachCell?.({ includeEmpty: false }, (cell) => {
      width = Math.max(width, Math.min(60, String(cell.value ?? '').length * 1.6));
    });
    col.width = Math.max(8, Math.min(60, width));
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Answers the table as a download. */
export async function sendTable<R>(reply: FastifyReply, format: TableFormat, t: Table<R>): Promise<FastifyReply> {
  const file = `${t.name.replace(/[^A-Za-z0-9_-]/g, '_')}.${format}`;
  const body = format === 'csv' ? tableCsv(t) : await tableXlsx(t);
  return reply.header('content-type', TYPES[format]).header('content-disposition', `attachment; filename="${file}"`).send(body);
}
