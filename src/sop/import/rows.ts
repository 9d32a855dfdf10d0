// Table rows under the header → step drafts, or errors naming the row and the column.
// Dates are turned into D indexes only after every row is read, because D0 may be the earliest one.

import type { Action, ContentKind } from '../types.ts';
import { VARIANT_ACTIONS } from '../variants.ts';
import { readDuration } from '../when.ts';
import type { Column, ColumnKey, VariantColumn } from './headers.ts';
import { type Cell, cellText, isBlank, type TableRow } from './table.ts';
import { daysBetween, formatOffset, type Point, readTimingCell, type Timing } from './timing.ts';
import { readAction, readAudience, readKind, readOwner } from './vocabulary.ts';

export interface RowError {
  row: number;
  column?: string;
  message: string;
}

/** A step as it will be written to YAML, with the spreadsheet row it came from. */
export interface StepDraft {
  row: number;
  id: string;
  at?: string;
  every?: 'day';
  from?: string;
  until?: string;
  do: Action;
  by?: string;
  to?: string;
  kind?: ContentKind;
  name?: string;
  text?: string;
  /** A row with variant columns filled (`文案A`, `文案B`): the texts in column order. */
  variants?: { id: string; text: string }[];
  link?: string;
  tag?: string;
  into?: string;
  window?: string;
  note?: string;
}

type Columns = Partial<Record<ColumnKey, Column>>;

/** Where the Content cell goes for each action; `text` for the rest. */
const CONTENT_FIELD: Partial<Record<Action, 'name' | 'tag' | 'into'>> = {
  create_group: 'name',
  rename: 'name',
  tag: 'tag',
  move: 'into',
};

/** Actions that cannot run without content, and how to say what is missing. */
const CONTENT_NEEDED: Partial<Record<Action, string>> = {
  rename: 'a rename needs the new group name',
  announce: 'an announcement needs its text',
  welcome: 'a welcome message needs its text',
  post: 'a post needs its text (or a link in the Link column)',
  notify: 'a notice needs its text',
  direct_message: 'a direct message needs its text',
  task: 'a task needs its instructions',
  checkin: 'a check-in needs its prompt',
  remind: 'a reminder needs its text',
  survey: 'a survey needs its text (or a link in the Link column)',
  tag: 'a tag step needs the tag to apply',
  move: 'a move step needs the group to move members into',
};
const LINK_IS_ENOUGH: ReadonlySet<Action> = new Set(['post', 'survey']);

interface PendingRow {
  draft: Omit<StepDraft, 'id' | 'at' | 'every' | 'from' | 'until'> & { id?: string };
  timing: Timing;
}

export interface ReadRows {
  steps: StepDraft[];
  errors: RowError[];
  notes: string[];
}

export function readRows(rows: TableRow[], columns: Columns, anchorDate: string | undefined, variantColumns: readonly VariantColumn[] = []): ReadRows {
  const errors: RowError[] = [];
  const pending: PendingRow[] = [];
  const inherited: number[] = [];
  let lastDay: Pick<Timing, 'point' | 'range'> | undefined;
  for (const r of rows) {
    if (r.cells.every(isBlank)) continue;
    const at = (key: ColumnKey): Cell | undefined => {
      const c = columns[key];
      return c ? r.cells[c.index] : undefined;
    };
    const text = (key: ColumnKey) => cellText(at(key)).trim();
    const fail = (key: ColumnKey | undefined, message: string) =>
      errors.push({ row: r.row, ...(key && columns[key] ? { column: columns[key].label } : {}), message });
    const before = errors.length;

    const timing = readRowTiming(at('day'), at('time'), columns, fail);
    if (timing && columns.day && isBlank(at('day')) && !timing.point && !timing.range && timing.offset === undefined) {
      // An empty Day cell under a filled one: the operator merged (or skipped) it, meaning "same day".
      if (lastDay) {
        Object.assign(timing, lastDay);
        inherited.push(r.row);
      }
    } else if (timing && !isBlank(at('day')) && (timing.point || timing.range)) {
      lastDay = { ...(timing.point ? { point: timing.point } : {}), ...(timing.range ? { range: timing.range } : {}) };
    }

    const actionText = text('action');
    let action: Action | undefined;
    if (!actionText) fail('action', 'this row has no action; say what happens, like post (群发) or notify (通知)');
    else {
      const a = readAction(actionText);
      if (a.ok) action = a.value;
      else fail('action', a.reason);
    }

    const draft: PendingRow['draft'] = { row: r.row, do: action ?? 'post' };
    const id = text('id');
    if (id) draft.id = id;
    const owner = text('owner');
    if (owner) {
      const o = readOwner(owner);
      if (o.ok) draft.by = o.value;
      else fail('owner', o.reason);
    }
    const kind = text('kind');
    if (kind) {
      const k = readKind(kind);
      if (k.ok) draft.kind = k.value;
      else fail('kind', k.reason);
    }
    const audience = text('audience');
    if (audience) {
      const a = readAudience(audience);
      if (a.ok) draft.to = a.value;
      else fail('audience', a.reason);
    }
    const window = text('window');
    if (window) {
      const w = readWindow(window);
      if (w.ok) draft.window = w.value;
      else fail('window', w.reason);
    }
    const note = text('note');
    if (note) draft.note = note;

    const contentCell = at('content');
    const content = cellText(contentCell).trim();
    const linkCell = at('link');
    const link = linkCell ? (linkCell.kind === 'text' && linkCell.link ? linkCell.link : cellText(linkCell).trim()) : '';
    if (link) draft.link = link;
    else if (contentCell?.kind === 'text' && contentCell.link && contentCell.link !== content) draft.link = contentCell.link;
    const filled = variantColumns.map((v) => ({ v, text: cellText(r.cells[v.index]).trim() })).filter((x) => x.text);
    if (filled.length && action) {
      const at = { row: r.row, column: filled[0].v.label };
      if (!VARIANT_ACTIONS.has(action)) {
        errors.push({ ...at, message: `${action} has no text to vary, so it takes no variants; leave ${filled.map((x) => x.v.label).join(', ')} empty on this row and write its content in the ${columns.content?.label ?? 'Content'} column` });
      } else if (content) {
        errors.push({ ...at, message: `this row has both a ${columns.content?.label ?? 'Content'} cell and variant texts (${filled.map((x) => x.v.label).join(', ')}); put the text in the variant columns only, or in ${columns.content?.label ?? 'Content'} only` });
      } else if (filled.length < 2) {
        const others = variantColumns.filter((v) => v !== filled[0].v).map((v) => v.label);
        errors.push({ ...at, message: `only ${filled[0].v.label} is filled; a row with variants needs at least two texts to compare (fill ${others.join(' or ')} too), or put the one text in the ${columns.content?.label ?? 'Content'} column` });
      } else draft.variants = filled.map((x) => ({ id: x.v.id, text: x.text }));
    }
    if (action) {
      const field = CONTENT_FIELD[action] ?? 'text';
      if (content) draft[field] = content;
      const need = CONTENT_NEEDED[action];
      if (need && !content && !filled.length && !(LINK_IS_ENOUGH.has(action) && draft.link)) {
        fail('content', `${need}; the ${columns.content?.label ?? 'Content'} cell is empty`);
      }
    }
    if (timing && errors.length === before) pending.push({ draft, timing });
  }

  const notes: string[] = [];
  if (inherited.length) {
    notes.push(`${plural(inherited.length, 'row')} with an empty Day cell ${inherited.length === 1 ? 'takes' : 'take'} the day of the row above (as a merged cell does): ${rowList(inherited)}`);
  }
  const resolved = resolveDates(pending, anchorDate, notes);
  const steps = resolved.flatMap((p) => {
    const when = toWhen(p.timing);
    if (!when.ok) {
      const col = columns[when.column] ?? columns.day ?? columns.time;
      errors.push({ row: p.draft.row, ...(col ? { column: col.label } : {}), message: when.reason });
      return [];
    }
    return [{ ...p.draft, ...when.value }];
  });
  return { steps: assignIds(steps, errors, columns.id?.label), errors, notes };
}

type Fail = (key: ColumnKey | undefined, message: string) => void;

/** Day cell + Time cell → one timing, or undefined after reporting why not. */
function readRowTiming(dayCell: Cell | undefined, timeCell: Cell | undefined, columns: Columns, fail: Fail): Timing | undefined {
  const day = readTimingCell(dayCell, 'day');
  const time = readTimingCell(timeCell, 'time');
  if (!day.ok) fail('day', day.reason);
  if (!time.ok) fail('time', time.reason);
  if (!day.ok || !time.ok) return undefined;
  const d = day.value;
  const t = time.value;
  if ((d.point || d.range) && (t.point || t.range)) {
    fail('time', `the day is written twice, in ${columns.day?.label} (${cellText(dayCell).trim()}) and in ${columns.time?.label} (${cellText(timeCell).trim()}); keep only the time here`);
    return undefined;
  }
  if (d.minute !== undefined && t.minute !== undefined && d.minute !== t.minute) {
    fail('time', `two different times are written, in ${columns.day?.label} and in ${columns.time?.label}; keep one`);
    return undefined;
  }
  const saysDayOrTime = (x: Timing) => x.minute !== undefined || x.point !== undefined || x.range !== undefined;
  if ((d.offset !== undefined || t.offset !== undefined) && (saysDayOrTime(d) || saysDayOrTime(t))) {
    fail(d.offset !== undefined ? 'time' : 'day', 'an offset like T-2h already says exactly when; leave the other timing cell empty');
    return undefined;
  }
  return { ...d, ...t, daily: d.daily || t.daily };
}

function resolveDates(pending: PendingRow[], anchorDate: string | undefined, notes: string[]): PendingRow[] {
  const dates = pending.flatMap((p) => [p.timing.point, p.timing.range?.from, p.timing.range?.until]).flatMap((pt) => (pt && 'date' in pt ? [pt.date] : []));
  if (!dates.length) return pending;
  let d0 = anchorDate;
  if (!d0) {
    d0 = [...dates].sort()[0];
    notes.push(`dates were counted from ${d0}, the earliest date in the sheet, as D0; to count from another day, give the anchor date when you import`);
  } else {
    notes.push(`dates were counted from the anchor date ${d0} (D0)`);
  }
  const base = d0;
  const toDay = (pt: Point): Point => ('date' in pt ? { day: daysBetween(base, pt.date) } : pt);
  return pending.map((p) => ({
    draft: p.draft,
    timing: {
      ...p.timing,
      ...(p.timing.point ? { point: toDay(p.timing.point) } : {}),
      ...(p.timing.range ? { range: { from: toDay(p.timing.range.from), until: toDay(p.timing.range.until) } } : {}),
    },
  }));
}

type WhenFields = Pick<StepDraft, 'at' | 'every' | 'from' | 'until'>;

function toWhen(t: Timing): { ok: true; value: WhenFields } | { ok: false; reason: string; column: 'day' | 'time' } {
  const dayOf = (p: Point) => ('day' in p ? p.day : 0);
  if (t.offset !== undefined) return { ok: true, value: { at: formatOffset(t.offset) } };
  const range = t.range && dayOf(t.range.from) !== dayOf(t.range.until) ? t.range : undefined;
  const point = t.point ?? (t.range && !range ? t.range.from : undefined);
  if (!range && !point) {
    return t.minute === undefined
      ? { ok: false, column: 'day', reason: 'this row has no day or time; write when it happens, like D1 and 07:00' }
      : { ok: false, column: 'day', reason: `this row has a time (${clock(t.minute)}) but no day; write the day, like D1 or 第1天` };
  }
  if (range) {
    const [from, until] = [dayOf(range.from), dayOf(range.until)];
    if (until < from) return { ok: false, column: 'day', reason: `the range D${from}–D${until} ends before it starts; write the first day first, like D${until}-D${from}` };
    if (t.minute === undefined) return { ok: false, column: 'time', reason: `the range D${from}–D${until} repeats daily and needs a time of day, like 07:00` };
    return { ok: true, value: { every: 'day', from: `D${from}`, until: `D${until}`, at: clock(t.minute) } };
  }
  const day = dayOf(point as Point);
  if (t.daily) return { ok: false, column: 'day', reason: `"every day" (每天) needs a range of days, like 每天 D1-D6; D${day} is a single day` };
  if (t.minute === undefined) return { ok: false, column: 'time', reason: `D${day} has no time of day; fill the Time column, like 07:00 or 7点` };
  return { ok: true, value: { at: `D${day} ${clock(t.minute)}` } };
}

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** IDs from the ID column are kept (and checked); the others are made from action, day and time. */
function assignIds(steps: (Omit<StepDraft, 'id'> & { id?: string })[], errors: RowError[], idLabel: string | undefined): StepDraft[] {
  const used = new Map<string, number>();
  const out: StepDraft[] = [];
  for (const s of steps) {
    if (s.id === undefined) continue;
    const id = s.id.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '-');
    const col = idLabel ? { column: idLabel } : {};
    if (!ID_PATTERN.test(id)) {
      errors.push({ row: s.row, ...col, message: `"${s.id}" cannot be a step id; use letters a–z, digits, - and _, starting with a letter or digit (like notice-1), or leave the cell empty` });
    } else if (used.has(id)) {
      errors.push({ row: s.row, ...col, message: `the id "${id}" is already used on row ${used.get(id)}; every step needs its own id` });
    } else used.set(id, s.row);
  }
  for (const s of steps) {
    let id = s.id?.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '-');
    if (id === undefined) {
      const base = generatedId(s);
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.set(id, s.row);
    }
    out.push({ ...s, id });
  }
  return out;
}

/** `post-d1-0700`, `notify-d-2-1000`, `post-d1-d6-0700`, `post-t-2h`. */
function generatedId(s: Omit<StepDraft, 'id'>): string {
  const action = s.do.replace(/_/g, '-');
  if (s.every) return `${action}-${s.from}-${s.until}-${s.at?.replace(':', '')}`.toLowerCase();
  const at = s.at ?? '';
  if (at.startsWith('T')) return `${action}-${at}`.toLowerCase().replace('+', 'plus-');
  return `${action}-${at.replace(' ', '-').replace(':', '')}`.toLowerCase();
}

/** `30m`, `2h`, `30分钟`, `2小时`, `半小时`, `1天` → a sheet duration (`30m`, `2h`, `1d`). */
function readWindow(text: string): { ok: true; value: string } | { ok: false; reason: string } {
  const t = text
    .normalize('NFKC')
    .replace(/半小时|半个小时/g, '30m')
    .replace(/(\d+)\s*(?:分钟|分)/g, '$1m')
    .replace(/(\d+)\s*(?:个)?(?:小时|钟头)/g, '$1h')
    .replace(/(\d+)\s*天/g, '$1d');
  const d = readDuration(t);
  if (!d.ok) return { ok: false, reason: `"${text}" is not a time limit; write it like 30m, 2h, 1d, 30分钟 or 2小时` };
  const m = d.value;
  const value = m % 1440 === 0 && m ? `${m / 1440}d` : m % 60 === 0 && m ? `${m / 60}h` : `${m}m`;
  return { ok: true, value };
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `3, 5–7, 10` */
export function rowList(rows: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j] + 1) j++;
    parts.push(j > i ? `${rows[i]}–${rows[j]}` : String(rows[i]));
    i = j + 1;
  }
  return parts.join(', ');
}
