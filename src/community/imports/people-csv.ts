// Member and order CSV files → typed rows and every problem, by row. Pure: bytes in (any encoding
// and separator Excel or WPS writes, read by src/sop/import/read-csv.ts), plain data out; the
// writers (../member-import.ts, ../orders.ts) resolve members and store.
//
// Rows are numbered as the operator sees them in Excel: the header is row 1 (or the first
// non-empty line), the first person or order under it row 2. A problem in the header refuses the
// file; problems in rows are all collected so that the operator fixes them in one go.

import { type Msg, msg } from '../../i18n/index.ts';
import { readCsvRecords } from '../../sop/import/read-csv.ts';
import { wordKey } from '../../sop/import/vocabulary.ts';
import { attributeKey, normalizeEmail, normalizePhone, parseAmount, parseMemberRef, parseOrderTime, RESERVED_ATTRIBUTES } from './fields.ts';

/** The caps of one people import; docs/member-import.md and docs/orders.md list them. */
export const PEOPLE_IMPORT_LIMITS = {
  /** The file as uploaded. */
  MAX_BYTES: 20 * 1024 * 1024,
  /** Rows under the header (blank rows not counted). */
  MAX_ROWS: 100_000,
  MAX_COLUMNS: 100,
  /** Characters in one cell. */
  MAX_CELL: 2000,
} as const;

export interface RowProblem {
  /** The row as Excel numbers it (the header is row 1). */
  row: number;
  /** The column the problem is about (`member`, `phone`, `amount`…), when it is one. */
  field?: string;
  message: Msg;
}

/** Who a row is about: at least one of these, as stored (phone and e-mail normalized). */
export interface PersonKey {
  row: number;
  /** `mem_…` or `<channel id>:<platform user id>`, as written. */
  member?: string;
  phone?: string;
  email?: string;
  name?: string;
}

export interface MemberImportRow extends PersonKey {
  attrs: Record<string, string>;
}

export interface OrderImportRow extends PersonKey {
  order: string;
  amount: string;
  currency?: string;
  product?: string;
  at: Date;
  /** The row as written, header → cell, kept with the order — but not who it is about (member, phone, email, name). */
  raw: Record<string, string>;
}

export interface ReadResult<R> {
  rows: R[];
  problems: RowProblem[];
}

type Column = 'member' | 'phone' | 'email' | 'name' | 'order' | 'amount' | 'product' | 'at' | 'currency';

/** The names each column may have (the first is its name in messages). */
export const PEOPLE_COLUMNS: Record<Column, string[]> = {
  member: ['member', 'member id', '成员', '会员', '成员id', '会员id', '会员编号'],
  phone: ['phone', 'mobile', 'phone number', 'tel', '手机', '手机号', '手机号码', '电话', '联系电话'],
  email: ['email', 'e-mail', 'mail', '邮箱', '电子邮箱', '电子邮件', '邮件'],
  name: ['name', '姓名', '名字', '昵称'],
  order: ['order', 'order id', 'order no', 'order number', '订单号', '订单', '订单编号', '订单id'],
  amount: ['amount', 'total', 'price', '金额', '订单金额', '实付金额', '支付金额', '价格'],
  product: ['product', 'item', 'sku', '商品', '商品名称', '产品', '课程'],
  at: ['at', 'time', 'date', 'paid at', 'ordered at', 'created at', '时间', '下单时间', '支付时间', '订单时间', '日期'],
  currency: ['currency', '币种', '货币'],
};
const IDENTITY: Column[] = ['member', 'phone', 'email'];
const MEMBER_COLUMNS: Column[] = ['member', 'phone', 'email', 'name'];
const ORDER_COLUMNS: Column[] = ['order', 'member', 'phone', 'email', 'name', 'amount', 'product', 'at', 'currency'];

const byName = new Map<string, Column>();
for (const [key, names] of Object.entries(PEOPLE_COLUMNS) as [Column, string[]][]) for (const n of names) byName.set(wordKey(n), key);

/** `手机号（必填）`, `Email *` → the column it stands for. */
function recognize(label: string, allowed: readonly Column[]): Column | undefined {
  const bare = label
    .normalize('NFKC')
    .replace(/\(.*?\)|\[.*?\]|【.*?】/g, '')
    .replace(/[*:：#]/g, '');
  const key = byName.get(wordKey(bare));
  return key && allowed.includes(key) ? key : undefined;
}

const describe = (c: Column) => `${PEOPLE_COLUMNS[c][0]} (${PEOPLE_COLUMNS[c].filter((n) => /\P{ASCII}/u.test(n)).slice(0, 2).join('/')})`;

interface Sheet {
  headerRow: number;
  columns: Partial<Record<Column, number>>;
  /** Other columns: position → header as written. */
  others: { index: number; label: string }[];
  records: { row: number; cells: string[] }[];
}

function readSheet(data: Uint8Array, allowed: readonly Column[]): { sheet?: Sheet; problems: RowProblem[] } {
  const L = PEOPLE_IMPORT_LIMITS;
  if (data.byteLength > L.MAX_BYTES) return { problems: [{ row: 1, message: msg('peopleImport.tooBig', { max: `${L.MAX_BYTES / 1024 / 1024} MB` }) }] };
  let records: string[][];
  try {
    records = readCsvRecords(data);
  } catch (e) {
    return { problems: [{ row: Number((e as { lines?: number }).lines) || 1, message: msg('peopleImport.unreadable', { reason: (e as Error).message }) }] };
  }
  const blank = (r: string[]) => r.every((c) => c.trim() === '');
  const at = records.findIndex((r) => !blank(r));
  const expected = [...IDENTITY, ...allowed.filter((c) => !IDENTITY.includes(c))].map(describe).join(', ');
  if (at < 0) return { problems: [{ row: 1, message: msg('peopleImport.empty', { expected }) }] };
  const headerRow = at + 1;
  const header = records[at].map((h) => h.trim());
  if (header.length > L.MAX_COLUMNS) return { problems: [{ row: headerRow, message: msg('peopleImport.tooManyColumns', { max: L.MAX_COLUMNS }) }] };
  const columns: Partial<Record<Column, number>> = {};
  const others: Sheet['others'] = [];
  const problems: RowProblem[] = [];
  header.forEach((label, index) => {
    if (!label) return;
    const key = recognize(label, allowed);
    if (!key) {
      others.push({ index, label });
      return;
    }
    const before = columns[key];
    if (before !== undefined) problems.push({ row: headerRow, field: key, message: msg('peopleImport.sameColumn', { column: PEOPLE_COLUMNS[key][0], a: header[before], b: label }) });
    else columns[key] = index;
  });
  const found = header.filter(Boolean).join(', ');
  if (!IDENTITY.some((c) => columns[c] !== undefined)) problems.push({ row: headerRow, message: msg('peopleImport.noIdentity', { found }) });
  const rest = records.slice(at + 1).flatMap((cells, i) => (blank(cells) ? [] : [{ row: headerRow + 1 + i, cells }]));
  if (rest.length > L.MAX_ROWS) problems.push({ row: rest[L.MAX_ROWS].row, message: msg('peopleImport.tooManyRows', { max: L.MAX_ROWS.toLocaleString('en-US') }) });
  if (!problems.length && !rest.length) problems.push({ row: headerRow, message: msg('peopleImport.noRows') });
  return problems.length ? { problems } : { sheet: { headerRow, columns, others, records: rest }, problems };
}

/** The cell of a column, trimmed ('' when absent). */
const cellOf = (cells: string[], index: number | undefined) => (index === undefined ? '' : (cells[index] ?? '').replace(/\r\n?/g, '\n').trim());

/** The identity and name of a row, or its problems. */
function personOf(row: number, cells: string[], cols: Sheet['columns'], problems: RowProblem[]): PersonKey | undefined {
  const before = problems.length;
  const key: PersonKey = { row };
  const member = cellOf(cells, cols.member);
  const phone = cellOf(cells, cols.phone);
  const email = cellOf(cells, cols.email);
  const name = cellOf(cells, cols.name);
  if (member) {
    if (parseMemberRef(member)) key.member = member;
    else problems.push({ row, field: 'member', message: msg('peopleImport.badMember', { value: member }) });
  }
  if (phone) {
    const p = normalizePhone(phone);
    if (p) key.phone = p;
    else problems.push({ row, field: 'phone', message: msg('peopleImport.badPhone', { value: phone }) });
  }
  if (email) {
    const e = normalizeEmail(email);
    if (e) key.email = e;
    else problems.push({ row, field: 'email', message: msg('peopleImport.badEmail', { value: email }) });
  }
  if (!member && !phone && !email) problems.push({ row, message: msg('peopleImport.noIdentityInRow') });
  if (name) key.name = name;
  return problems.length === before ? key : undefined;
}

function tooLong(row: number, cells: string[], header: (i: number) => string, problems: RowProblem[]): boolean {
  const i = cells.findIndex((c) => c.length > PEOPLE_IMPORT_LIMITS.MAX_CELL);
  if (i < 0) return false;
  problems.push({ row, field: header(i), message: msg('peopleImport.cellTooLong', { column: header(i), max: PEOPLE_IMPORT_LIMITS.MAX_CELL }) });
  return true;
}

/** A members file: one identity column (member, phone or email), name, and attribute columns. */
export function readMemberCsv(data: Uint8Array): ReadResult<MemberImportRow> {
  const { sheet, problems } = readSheet(data, MEMBER_COLUMNS);
  if (!sheet) return { rows: [], problems };
  const attrs: { index: number; key: string }[] = [];
  const seen = new Map<string, string>();
  for (const o of sheet.others) {
    const key = attributeKey(o.label);
    if (!key) problems.push({ row: sheet.headerRow, field: o.label, message: msg('peopleImport.badAttribute', { column: o.label }) });
    else if (RESERVED_ATTRIBUTES.has(key)) problems.push({ row: sheet.headerRow, field: o.label, message: msg('peopleImport.reservedAttribute', { column: o.label, key }) });
    else if (seen.has(key)) problems.push({ row: sheet.headerRow, field: o.label, message: msg('peopleImport.sameAttribute', { a: seen.get(key) ?? '', b: o.label, key }) });
    else {
      seen.set(key, o.label);
      attrs.push({ index: o.index, key });
    }
  }
  if (problems.length) return { rows: [], problems };
  const header = (i: number) => sheet.others.find((o) => o.index === i)?.label ?? labelOf(sheet, i);
  const rows: MemberImportRow[] = [];
  for (const { row, cells } of sheet.records) {
    if (tooLong(row, cells, header, problems)) continue;
    const person = personOf(row, cells, sheet.columns, problems);
    if (!person) continue;
    const values: [string, string][] = [];
    for (const a of attrs) {
      const v = cellOf(cells, a.index);
      if (v) values.push([a.key, v]);
    }
    // Own entries (Object.fromEntries): no key reaches a prototype; the reserved ones never get here.
    rows.push({ ...person, attrs: Object.fromEntries(values) });
  }
  return { rows, problems };
}

function labelOf(sheet: Sheet, index: number): string {
  const col = (Object.entries(sheet.columns) as [Column, number][]).find(([, i]) => i === index);
  return col ? col[0] : `column ${index + 1}`;
}

/** An orders file: order, one identity column, amount, product, at (and optional name, currency). */
export function readOrderCsv(data: Uint8Array, zone: string): ReadResult<OrderImportRow> {
  const { sheet, problems } = readSheet(data, ORDER_COLUMNS);
  if (!sheet) return { rows: [], problems };
  const missing = (['order', 'amount', 'at'] as const).filter((c) => sheet.columns[c] === undefined);
  if (missing.length) {
    const found = sheet.others.map((o) => o.label).concat(Object.keys(sheet.columns)).join(', ');
    for (const c of missing) problems.push({ row: sheet.headerRow, field: c, message: msg('peopleImport.missingColumn', { column: describe(c), found }) });
    return { rows: [], problems };
  }
  const labels = new Map<number, string>();
  for (const o of sheet.others) labels.set(o.index, o.label);
  for (const [c, i] of Object.entries(sheet.columns) as [Column, number][]) labels.set(i, c);
  const header = (i: number) => labels.get(i) ?? `column ${i + 1}`;
  // Who the order is about lives on the member (and is erased when they are forgotten), not in raw.
  const personal = new Set((['member', 'phone', 'email', 'name'] as const).flatMap((c) => (sheet.columns[c] === undefined ? [] : [sheet.columns[c]])));
  const rows: OrderImportRow[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, cells } of sheet.records) {
    if (tooLong(row, cells, header, problems)) continue;
    const raw: Record<string, string> = Object.fromEntries(cells.flatMap((c, i) => (c.trim() && labels.has(i) && !personal.has(i) ? [[labels.get(i) ?? '', c.trim()]] : [])));
    const o = orderOf(row, (c) => cellOf(cells, sheet.columns[c]), zone, problems, raw);
    if (!o) continue;
    const dup = firstRow.get(o.order);
    if (dup !== undefined) {
      problems.push({ row, field: 'order', message: msg('peopleImport.sameOrder', { order: o.order, first: dup }) });
      continue;
    }
    firstRow.set(o.order, row);
    rows.push(o);
  }
  return { rows, problems };
}

function orderOf(row: number, get: (c: Column) => string, zone: string, problems: RowProblem[], raw: Record<string, string>): OrderImportRow | undefined {
  const before = problems.length;
  const cells = IDENTITY.concat('name').map((c) => get(c));
  const person = personOf(row, cells, { member: 0, phone: 1, email: 2, name: 3 }, problems);
  const order = get('order');
  if (!order) problems.push({ row, field: 'order', message: msg('peopleImport.noOrder') });
  else if (order.length > 200) problems.push({ row, field: 'order', message: msg('peopleImport.cellTooLong', { column: 'order', max: 200 }) });
  const amountText = get('amount');
  const amount = amountText ? parseAmount(amountText) : undefined;
  if (!amountText) problems.push({ row, field: 'amount', message: msg('peopleImport.noAmount') });
  else if (amount === undefined) problems.push({ row, field: 'amount', message: msg('peopleImport.badAmount', { value: amountText }) });
  const atText = get('at');
  const at = atText ? parseOrderTime(atText, zone) : undefined;
  if (!atText) problems.push({ row, field: 'at', message: msg('peopleImport.noTime', { zone }) });
  else if (!at) problems.push({ row, field: 'at', message: msg('peopleImport.badTime', { value: atText, zone }) });
  if (problems.length > before || !person || amount === undefined || !at) return undefined;
  const product = get('product');
  const currency = get('currency').toUpperCase();
  return { ...person, order, amount, at, raw, ...(product ? { product } : {}), ...(currency ? { currency } : {}) };
}

/** The webhook's JSON body, as one order (row 1): the same checks as a CSV row. */
export function readOrderJson(body: unknown, zone: string): ReadResult<OrderImportRow> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { rows: [], problems: [{ row: 1, message: msg('peopleImport.notAnObject') }] };
  const b = body as Record<string, unknown>;
  const get = (c: Column) => {
    const v = Object.hasOwn(b, c) ? b[c] : undefined;
    return typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
  };
  const problems: RowProblem[] = [];
  const raw: Record<string, string> = Object.fromEntries(ORDER_COLUMNS.flatMap((c) => (get(c) && !['member', 'phone', 'email', 'name'].includes(c) ? [[c, get(c)]] : [])));
  const o = orderOf(1, get, zone, problems, raw);
  return { rows: o ? [o] : [], problems };
}
