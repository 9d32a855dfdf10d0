// Reading the Day and Time cells of a row: `D1`, `D-2`, `Day 1`, `第1天`, `前1天`, `-2`, ranges
// (`D1-D6`, `D1~D6`, `第1-6天`), dates (`2026-12-01`, Excel date cells), `T-2h` offsets, and
// times (`07:00`, `7:00`, `7点`, `7点半`, `下午3点`, `7pm`, Excel time cells).

import type { Read } from '../when.ts';
import { readAt } from '../when.ts';
import type { Cell } from './table.ts';

/** A day before dates are resolved: a D index, or a calendar date (`YYYY-MM-DD`). */
export type Point = { day: number } | { date: string };

export interface Timing {
  point?: Point;
  range?: { from: Point; until: Point };
  /** Local minute of day. */
  minute?: number;
  /** `T±…`: exact minutes from the anchor instant. */
  offset?: number;
  /** `每天` / `daily` was written (only meaningful with a range). */
  daily?: boolean;
}

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(reason: string): Read<T> => ({ ok: false, reason });

const DAY_HINT = 'write a day like D1, D-2, Day 1, 第1天 or 前1天, a range like D1-D6 or 第1-6天, a date like 2026-12-01, or an offset like T-2h';
const TIME_HINT = 'write a time like 07:00, 19:30, 7点 or 下午3点';

/** One cell of the Day column (`role: 'day'`) or the Time column (`role: 'time'`). */
export function readTimingCell(cell: Cell | undefined, role: 'day' | 'time'): Read<Timing> {
  if (!cell) return ok({});
  switch (cell.kind) {
    case 'time':
      return ok({ minute: cell.minute });
    case 'date': {
      const date = `${cell.year}-${pad(cell.month)}-${pad(cell.day)}`;
      return ok({ point: { date }, ...(cell.minute !== undefined ? { minute: cell.minute } : {}) });
    }
    case 'number':
      // A time typed into a cell without a time format stays a fraction of a day in Excel.
      if (role === 'time' && cell.value > 0 && cell.value < 1) return ok({ minute: Math.round(cell.value * 1440) % 1440 });
      if (role === 'day' && Number.isInteger(cell.value)) return ok({ point: { day: cell.value } });
      return no(`${cell.value} is not a ${role === 'day' ? 'day' : 'time'}; ${role === 'day' ? DAY_HINT : TIME_HINT}`);
    case 'text': {
      const read = readTimingText(cell.text, role);
      if (!read.ok) return read;
      const t = read.value;
      if (role === 'time' && t.minute === undefined && t.offset === undefined) {
        return no(`"${cell.text.trim()}" is not a time of day; ${TIME_HINT}`);
      }
      return read;
    }
  }
}

/** `role` only changes what a failure says: a Time cell without a readable time is "not a time". */
export function readTimingText(raw: string, role: 'day' | 'time' = 'day'): Read<Timing> {
  let t = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[—–]|到|至/g, '~')
    .trim();
  const shown = raw.trim();
  const out: Timing = {};
  const dailyWord = /每天|每日|every\s*day|daily/;
  if (dailyWord.test(t)) {
    out.daily = true;
    t = t.replace(dailyWord, ' ').trim();
  }
  if (/^t\s*0$/.test(t)) return ok({ offset: 0 });
  if (/^t\s*(?:[+-]|$)/.test(t)) {
    const at = readAt(t.replace(/\s+/g, ''));
    if (!at.ok || at.value.kind !== 'offset') return no(`"${shown}" is not an offset from the anchor; write it like T-2h, T+30m or T0`);
    return ok({ offset: at.value.minutes });
  }
  const time = takeTime(t, shown);
  if (!time.ok) return time;
  if (time.value) {
    out.minute = time.value.minute;
    t = time.value.rest;
  }
  t = t.replace(/^[\s,，;；]+|[\s,，;；]+$/g, '');
  if (!t) return ok(out);
  const day = readDayText(t);
  if (!day.ok && role === 'time' && out.minute === undefined) return no(`"${shown}" is not a time of day; ${TIME_HINT}`);
  if (!day.ok) {
    const why = day.reason === DAY_HINT ? DAY_HINT : `${day.reason}; ${DAY_HINT}`;
    return no(`"${shown}" is not a day${out.minute !== undefined ? ' and time' : ''}; ${why}`);
  }
  return ok({ ...out, ...day.value });
}

const DATE = String.raw`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`;
const NUM = String.raw`([+-]?\d+)`;
type DayRead = Read<Pick<Timing, 'point' | 'range'>>;

const DAY_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => DayRead }[] = [
  { re: new RegExp(`^(?:d|day)?\\s*${NUM}$`), read: (m) => ok({ point: { day: Number(m[1]) } }) },
  { re: /^提?前\s*(\d+)\s*天$/, read: (m) => ok({ point: { day: -Number(m[1]) } }) },
  { re: new RegExp(`^第\\s*${NUM}\\s*天$`), read: (m) => ok({ point: { day: Number(m[1]) } }) },
  {
    re: new RegExp(`^(?:d|day)?\\s*${NUM}\\s*[~-]\\s*(?:d|day)?\\s*${NUM}$`),
    read: (m) => ok({ range: { from: { day: Number(m[1]) }, until: { day: Number(m[2]) } } }),
  },
  {
    re: new RegExp(`^第\\s*${NUM}\\s*(?:天\\s*)?[~-]\\s*(?:第\\s*)?${NUM}\\s*天$`),
    read: (m) => ok({ range: { from: { day: Number(m[1]) }, until: { day: Number(m[2]) } } }),
  },
  {
    re: new RegExp(`^${DATE}$`),
    read: (m) => {
      const date = dateAt(m, 1);
      return date.ok ? ok({ point: date.value }) : date;
    },
  },
  {
    re: new RegExp(`^${DATE}\\s*[~-]\\s*${DATE}$`),
    read: (m) => {
      const from = dateAt(m, 1);
      if (!from.ok) return from;
      const until = dateAt(m, 4);
      if (!until.ok) return until;
      return ok({ range: { from: from.value, until: until.value } });
    },
  },
];

/** The date in groups `at`, `at+1`, `at+2` (year, month, day) of a match, if the calendar has it. */
function dateAt(m: RegExpExecArray, at: number): Read<{ date: string }> {
  const [y, mo, d] = [Number(m[at]), Number(m[at + 1]), Number(m[at + 2])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  const valid = probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
  return valid ? ok({ date: `${y}-${pad(mo)}-${pad(d)}` }) : no(`${y}-${mo}-${d} is not a date in the calendar`);
}

function readDayText(t: string): DayRead {
  for (const p of DAY_PATTERNS) {
    const m = p.re.exec(t);
    if (m) return p.read(m);
  }
  return no(DAY_HINT);
}

const PERIODS: Record<string, 'am' | 'pm' | 'noon'> = {
  上午: 'am',
  早上: 'am',
  早晨: 'am',
  早: 'am',
  中午: 'noon',
  下午: 'pm',
  傍晚: 'pm',
  晚上: 'pm',
  晚: 'pm',
  am: 'am',
  pm: 'pm',
};

const TIME_PATTERNS: RegExp[] = [
  /(上午|早上|早晨|早|中午|下午|傍晚|晚上|晚)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?/,
  /(上午|早上|早晨|早|中午|下午|傍晚|晚上|晚)?\s*(\d{1,2})\s*点\s*(?:(半)|(\d{1,2})\s*分?)?/,
  /()(\d{1,2})\s*(am|pm)/,
];

/** Finds one time of day in the text and returns it with the rest of the text. */
function takeTime(t: string, shown: string): Read<{ minute: number; rest: string } | undefined> {
  for (const [i, re] of TIME_PATTERNS.entries()) {
    const m = re.exec(t);
    if (!m) continue;
    let hour = Number(m[2]);
    let minute = 0;
    let period = m[1] ? PERIODS[m[1]] : undefined;
    if (i === 0) {
      minute = Number(m[3]);
      if (m[4] && Number(m[4]) !== 0) return no(`"${shown}" has seconds; write the time as HH:MM, like 07:00`);
      if (m[5]) period = PERIODS[m[5]];
    } else if (i === 1) {
      minute = m[3] ? 30 : m[4] ? Number(m[4]) : 0;
    } else {
      period = PERIODS[m[3]];
    }
    if (minute > 59) return no(`"${shown}" is not a time of day (minutes go 00–59); ${TIME_HINT}`);
    if (period === 'am' || period === 'pm') {
      if (hour < 1 || hour > 12) {
        if (!(m[1] && hour <= 23 && hour > 12)) return no(`"${shown}" is not a time of day; ${TIME_HINT}`);
      } else if (period === 'pm' && hour < 12) hour += 12;
      else if (period === 'am' && hour === 12 && !m[1]) hour = 0;
    } else if (period === 'noon' && hour < 3) {
      hour += 12;
    }
    if (hour > 23) return no(`"${shown}" is not a time of day (hours go 00–23); ${TIME_HINT}`);
    const rest = t.slice(0, m.index) + ' ' + t.slice(m.index + m[0].length);
    if (TIME_PATTERNS.some((r) => r.test(rest))) return no(`"${shown}" holds two times; keep one`);
    return ok({ minute: hour * 60 + minute, rest: rest.trim() });
  }
  return ok(undefined);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Calendar days from `from` to `to`, both `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `T-2h`, `T+30m`, `T-1h30m`, `T0` — the canonical form of an offset for the sheet. */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'T0';
  const sign = minutes < 0 ? '-' : '+';
  let rest = Math.abs(minutes);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 1440], ['h', 60], ['m', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return `T${sign}${parts.join('')}`;
}
