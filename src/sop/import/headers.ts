// Finding the header row and recognizing its columns. Operators put a title, a date or a few
// "key: value" lines above the table, so the header is searched for, not assumed to be row 1.

import { isVariantId } from '../variants.ts';
import { type Cell, cellText, columnLetter, type TableRow } from './table.ts';
import { wordKey } from './vocabulary.ts';

export type ColumnKey =
  | 'day'
  | 'time'
  | 'action'
  | 'content'
  | 'owner'
  | 'kind'
  | 'id'
  | 'link'
  | 'audience'
  | 'window'
  | 'note';

/** The names each column may have. Order matters only for messages (the first is shown). */
export const COLUMN_NAMES: Record<ColumnKey, string[]> = {
  day: ['Day', 'D', 'Date', '天', '日期', '第几天', '天数'],
  time: ['Time', '时间', '时间点'],
  action: ['Action', 'Do', '动作', '动作类型', '操作'],
  content: ['Content', 'Text', 'Script', 'Message', '内容', '话术', '文案'],
  owner: ['Owner', 'Executor', 'By', '执行人', '负责人'],
  kind: ['Kind', 'Type', '类型', '内容类型'],
  id: ['ID', 'Step', 'Step id', '编号'],
  link: ['Link', 'URL', '链接'],
  audience: ['To', 'Audience', '对象'],
  window: ['Window', '时限'],
  note: ['Note', 'Notes', 'Remark', '备注'],
};

/**
 * Without these no step can be read. The time may be written in the Day cell (`D1 07:00`), and a
 * sheet without a Day column may carry the day in its Time cells (`2026-12-01 07:00`).
 */
export const REQUIRED: ColumnKey[] = ['day', 'action', 'content'];

const byName = new Map<string, ColumnKey>();
for (const [key, names] of Object.entries(COLUMN_NAMES) as [ColumnKey, string[]][]) {
  for (const n of names) byName.set(wordKey(n), key);
}

/** `时间（北京）`, `Content *`, `Day:` → the bare name, then the column it stands for. */
export function recognize(label: string): ColumnKey | undefined {
  const bare = label
    .normalize('NFKC')
    .replace(/\(.*?\)|\[.*?\]|【.*?】/g, '')
    .replace(/[*:：#]/g, '');
  return byName.get(wordKey(bare));
}

export interface Column {
  key: ColumnKey;
  /** 0-based position. */
  index: number;
  /** The header as the operator wrote it, for messages ("column 时间"). */
  label: string;
}

/** A column holding one variant of the Content (`文案A`, `Text (warm)`): see variantLabel. */
export interface VariantColumn {
  /** The variant id it names, lowercased (`a`, `warm`). */
  id: string;
  index: number;
  label: string;
}

export type HeaderResult =
  | { ok: true; headerRow: number; columns: Partial<Record<ColumnKey, Column>>; variants: VariantColumn[]; unused: string[] }
  | { ok: false; row: number; message: string };

const BRACKETED = /^(.+?)\s*(?:\((.+?)\)|\[(.+?)\]|【(.+?)】)\s*[*:：#]*$/u;
// One letter or digit after the name: `文案A`, `文案 b`, `Text B`, `话术2` — not `Texts` (a lowercase
// letter straight after a Latin name is part of the word).
const SUFFIXED = /^(.+?)(?:[\s_-]+([A-Za-z0-9])|([A-Z0-9]))\s*[*:：#]*$/u;

/**
 * A Content column's name with a variant label: `文案（A）`, `Content (warm)`, `内容【b】` (the
 * bracket form, which alone is still the plain Content column, its bracket a note), or `文案A`,
 * `Text B` (one letter or digit after the name). `id` is the label lowercased; `bad` a bracket that
 * cannot be a variant id (`内容（必填）`: a note, so the plain Content column).
 */
export function variantLabel(label: string): { id: string; bracket: boolean } | { bad: string; bracket: boolean } | undefined {
  const norm = label.normalize('NFKC').trim();
  const isContent = (base: string) => byName.get(wordKey(base.replace(/[*:：#]/g, ''))) === 'content';
  const b = BRACKETED.exec(norm);
  if (b && isContent(b[1])) {
    const inner = (b[2] ?? b[3] ?? b[4]).trim().toLowerCase();
    return isVariantId(inner) ? { id: inner, bracket: true } : { bad: inner, bracket: true };
  }
  const m = SUFFIXED.exec(norm);
  if (m && isContent(m[1])) return { id: (m[2] ?? m[3]).toLowerCase(), bracket: false };
  return undefined;
}


/** How many rows from the top may hold titles before the header; more than that is not a header. */
const HEADER_SEARCH_ROWS = 30;

export function findHeader(rows: TableRow[]): HeaderResult {
  let best: { at: number; count: number } | undefined;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((r, at) => {
    const keys = new Set(r.cells.map((c) => (c ? recognize(cellText(c)) : undefined)).filter(Boolean));
    if (keys.size >= 1 && (!best || keys.size > best.count)) best = { at, count: keys.size };
  });
  const expected = REQUIRED.map(describeColumn).join('; ');
  if (!best) {
    const first = rows.find((r) => r.cells.some((c) => c && cellText(c).trim()));
    const seen = first ? labels(first.cells).join(', ') : '';
    return {
      ok: false,
      row: first?.row ?? 1,
      message: `no header row found${seen ? ` (the first row reads: ${seen})` : ' (the sheet is empty)'}; the sheet needs a row naming its columns: ${expected}`,
    };
  }
  const header = rows[best.at];
  const columns: Partial<Record<ColumnKey, Column>> = {};
  const unused: string[] = [];
  // Two or more Content columns with labels are the variants of each row's text; one alone is read
  // as before (the plain Content column when bracketed, an unknown column otherwise).
  const labelled = header.cells.flatMap((cell, index) => {
    const label = cellText(cell).trim();
    const v = label ? variantLabel(label) : undefined;
    // A bracket that cannot name a variant (`内容（必填）`) is a note, as it always was.
    return v && 'id' in v ? [{ ...v, index, label }] : [];
  });
  const variants: VariantColumn[] = [];
  if (labelled.length >= 2) {
    for (const v of labelled) {
      const before = variants.find((x) => x.id === v.id);
      if (before) {
        return { ok: false, row: header.row, message: `two columns both hold variant ${v.id.toUpperCase()} of the Content: ${before.label} (${columnLetter(before.index)}) and ${v.label} (${columnLetter(v.index)}); rename or remove one of them` };
      }
      variants.push({ id: v.id, index: v.index, label: v.label });
    }
  }
  const variantAt = new Set(variants.map((v) => v.index));
  for (const [index, cell] of header.cells.entries()) {
    const label = cellText(cell).trim();
    if (!label || variantAt.has(index)) continue;
    const key = recognize(label);
    if (!key) {
      unused.push(`${label} (${columnLetter(index)})`);
      continue;
    }
    const before = columns[key];
    if (before) {
      return {
        ok: false,
        row: header.row,
        message: `two columns both look like the ${COLUMN_NAMES[key][0]} column: ${before.label} (${columnLetter(before.index)}) and ${label} (${columnLetter(index)}); rename or remove one of them${key === 'content' && /[(（[【]/.test(before.label + label) ? ' (to give rows several texts to compare, label the columns with letters: 文案A, 文案B or Text (a), Text (b))' : ''}`,
      };
    }
    columns[key] = { key, index, label };
  }
  const missing = REQUIRED.filter((k) => !columns[k] && !(k === 'day' && columns.time) && !(k === 'content' && variants.length));
  if (missing.length) {
    return {
      ok: false,
      row: header.row,
      message: `the header row is missing ${missing.map((k) => `the ${COLUMN_NAMES[k][0]} column`).join(' and ')}. Columns found: ${labels(header.cells).join(', ')}. Columns expected: ${expected} (optional: ${optionalColumns()})`,
    };
  }
  return { ok: true, headerRow: header.row, columns, variants, unused };
}

function labels(cells: (Cell | undefined)[]): string[] {
  return cells.map((c) => cellText(c).trim()).filter(Boolean);
}

function describeColumn(key: ColumnKey): string {
  const [first, ...rest] = COLUMN_NAMES[key];
  return `${first} (${rest.join(', ')})`;
}

function optionalColumns(): string {
  return (Object.keys(COLUMN_NAMES) as ColumnKey[])
    .filter((k) => !REQUIRED.includes(k))
    .map((k) => COLUMN_NAMES[k].filter((n) => /\P{ASCII}/u.test(n) || n === COLUMN_NAMES[k][0]).join('/'))
    .join(', ');
}
