// The sheet's header fields (sop, title, community, …): from the caller's options first, then a
// `meta` / `设置` worksheet, then "key: value" rows above the table, then a title row, then defaults.

import { IANAZone } from 'luxon';
import type { Community } from '../types.ts';
import type { RowError } from './rows.ts';
import { cellText, type TableRow } from './table.ts';
import { readTimingText } from './timing.ts';
import { readCommunity, wordKey } from './vocabulary.ts';

export interface ImportOptions {
  sop?: string;
  title?: string;
  community?: Community;
  timezone?: string;
  anchor?: string;
  /** `YYYY-MM-DD`: the date that is D0 when the sheet is written in dates. */
  anchorDate?: string;
}

export interface HeaderFields {
  sop: string;
  title: string;
  description?: string;
  community: Community;
  industry?: string;
  timezone: string;
  anchor: string;
  anchorTime?: string;
  anchorDate?: string;
}

export const DEFAULT_COMMUNITY: Community = 'newcomer';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_ANCHOR = 'Day 0';

type Key = keyof HeaderFields;

const KEY_NAMES: Record<Key, string[]> = {
  sop: ['sop id', 'id', 'sop编号'],
  title: ['title', '标题', '名称', 'sop名称'],
  description: ['description', '说明', '简介'],
  community: ['community', 'community type', '社群类型', '群类型'],
  industry: ['industry', '行业'],
  timezone: ['timezone', 'time zone', '时区'],
  anchor: ['anchor', '锚点', '基准'],
  anchorTime: ['anchor time', 'anchor_time', '锚点时间'],
  anchorDate: ['anchor date', 'anchor_date', 'start date', '开始日期', '开营日期'],
};
const keyOf = new Map<string, Key>();
for (const [key, names] of Object.entries(KEY_NAMES) as [Key, string[]][]) for (const n of names) keyOf.set(wordKey(n), key);

interface Found {
  value: string;
  row: number;
  /** The `meta` worksheet's name when the value comes from there. */
  sheet?: string;
}

export interface HeaderRead {
  fields: HeaderFields;
  errors: RowError[];
  notes: string[];
}

/**
 * `above`: the rows above the header row; `metaSheet`: rows of a `meta`/`设置` worksheet.
 * Option errors are reported on row 0 (the whole import), others on their row.
 */
export function readHeaderFields(
  fileName: string,
  opts: ImportOptions,
  above: TableRow[],
  metaSheet: { sheetName: string; rows: TableRow[] } | undefined,
): HeaderRead {
  const errors: RowError[] = [];
  const notes: string[] = [];
  const found = new Map<Key, Found>();
  let titleRow: Found | undefined;
  const take = (rows: TableRow[], sheet: string | undefined) => {
    for (const r of rows) {
      const texts = [...new Set(r.cells.map((c) => cellText(c).trim()).filter(Boolean))];
      if (!texts.length) continue;
      const pair = /^([^:：]{1,30})[:：]\s*(.*)$/.exec(texts[0]);
      const [k, v] = pair ? [pair[1], pair[2] || texts[1] || ''] : [texts[0], texts[1] ?? ''];
      const key = keyOf.get(wordKey(k));
      if (key && v) {
        if (!found.has(key)) found.set(key, { value: v, row: r.row, ...(sheet ? { sheet } : {}) });
      } else if (!sheet && texts.length === 1 && !pair && !titleRow) {
        titleRow = { value: texts[0], row: r.row };
      } else {
        notes.push(`${sheet ? `worksheet ${sheet}, ` : ''}row ${r.row} (${texts.join(' | ')}) was not used`);
      }
    }
  };
  if (metaSheet) take(metaSheet.rows, metaSheet.sheetName);
  take(above, undefined);

  const pick = (key: Key, option: string | undefined): { value: string; from?: Found } | undefined => {
    if (option !== undefined && option !== '') return { value: option };
    const f = found.get(key);
    return f ? { value: f.value, from: f } : undefined;
  };
  const errorAt = (from: Found | undefined, message: string) =>
    errors.push({ row: from?.row ?? 0, message: from?.sheet ? `${message} (in the worksheet ${from.sheet})` : message });

  const baseName = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const sopPick = pick('sop', opts.sop);
  let sop = sopPick?.value.trim() ?? slug(baseName);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(sop)) {
    errorAt(sopPick?.from, `the sheet id "${sop}" may use only lowercase letters a–z, digits and dashes, like camp-7d`);
    sop = 'sheet';
  }
  if (!sopPick) notes.push(`the sheet id is "${sop}", made from the file name; to choose another, give a sheet id when you import`);

  const titlePick = pick('title', opts.title);
  const title = titlePick?.value.trim() || titleRow?.value || baseName || sop;
  if (!titlePick && titleRow) notes.push(`the title "${title}" was taken from row ${titleRow.row}, above the header`);

  const communityPick = pick('community', opts.community);
  let community = DEFAULT_COMMUNITY;
  if (communityPick) {
    const c = readCommunity(communityPick.value);
    if (c.ok) community = c.value;
    else errorAt(communityPick.from, c.reason);
  } else {
    notes.push(`the community type was not given, so it is ${DEFAULT_COMMUNITY}; if the sheet is for another kind of group, choose its community type when you import`);
  }

  const tzPick = pick('timezone', opts.timezone);
  const timezone = tzPick?.value.trim() ?? DEFAULT_TIMEZONE;
  if (!IANAZone.isValidZone(timezone)) errorAt(tzPick?.from, `"${timezone}" is not a time zone I know; use an IANA name such as Asia/Shanghai`);

  const anchor = pick('anchor', opts.anchor)?.value.trim() || DEFAULT_ANCHOR;

  const fields: HeaderFields = { sop, title, community, timezone, anchor };
  for (const key of ['description', 'industry'] as const) {
    const f = found.get(key);
    if (f) fields[key] = f.value;
  }
  const anchorTime = found.get('anchorTime');
  if (anchorTime) {
    const t = readTimingText(anchorTime.value);
    if (t.ok && t.value.minute !== undefined && !t.value.point && !t.value.range) {
      fields.anchorTime = `${String(Math.floor(t.value.minute / 60)).padStart(2, '0')}:${String(t.value.minute % 60).padStart(2, '0')}`;
    } else errorAt(anchorTime, `"${anchorTime.value}" is not a time of day for the anchor; write it like 20:00`);
  }
  const datePick = pick('anchorDate', opts.anchorDate);
  if (datePick) {
    const t = readTimingText(datePick.value);
    if (t.ok && t.value.point && 'date' in t.value.point && t.value.minute === undefined) fields.anchorDate = t.value.point.date;
    else errorAt(datePick.from, `the anchor date "${datePick.value}" is not a date; write it like 2026-12-01`);
  }
  return { fields, errors, notes };
}

/** `Camp 7D v2.xlsx` → `camp-7d-v2`; a name with Chinese characters gives `sheet`. */
export function slug(name: string): string {
  if (/\P{ASCII}/u.test(name)) return 'sheet';
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'sheet';
}
