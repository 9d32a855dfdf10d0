// Reading the timing words of a sheet: `D-2 10:00`, `T-2h`, `07:00`, `every: mon,wed,fri`,
// `after: 3d at 19:30`, `window: 30m`. Each reader returns a value or a plain-words reason.

import { MAX_DAYS } from './limits.ts';
import type { After, MinuteOfDay, Weekday } from './types.ts';

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(reason: string): Read<T> => ({ ok: false, reason });

/** `07:00`, `7:30`, `20：00` (full-width colon, as Chinese keyboards type it). */
export function readClock(text: string): Read<MinuteOfDay> {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!m) return no(`"${text}" is not a time of day; write it as HH:MM, like 07:00 or 20:30`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return no(`${text.trim()} is not a time of day (hours go 00–23, minutes 00–59)`);
  return ok(h * 60 + min);
}

/** `D3`, `D-2`, `D+1`, `D0`, or a bare whole number. */
export function readDay(text: string | number): Read<number> {
  if (typeof text === 'number') {
    if (!Number.isInteger(text)) return no(`${text} is not a whole day number`);
    return withinDays(text, `D${text}`);
  }
  const m = /^[Dd]\s*([+-]?\d+)$/.exec(text.trim());
  if (!m) return no(`"${text}" is not a day; write it as D<number>, like D0 (the anchor's day), D-2 or D7`);
  return withinDays(Number(m[1]), text.trim());
}

function withinDays(day: number, shown: string): Read<number> {
  if (Math.abs(day) > MAX_DAYS) return no(`${shown} is more than ${MAX_DAYS} days (ten years) from the anchor; a sheet reaches from D-${MAX_DAYS} to D${MAX_DAYS}`);
  return ok(day);
}

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, h: 60, d: 1440 };

/** `30m`, `2h`, `1d`, `1h30m` — a non-negative duration in minutes. */
export function readDuration(text: string | number): Read<number> {
  if (typeof text === 'number') return no(`${text} has no unit; write a duration like 30m, 2h or 1d`);
  const t = text.trim().toLowerCase();
  if (!t) return no('the duration is empty; write one like 30m, 2h or 1d');
  let total = 0;
  let rest = t;
  const part = /^(\d+)\s*(min|m|h|d)/;
  while (rest) {
    const m = part.exec(rest);
    if (!m) return no(`"${text}" is not a duration; write it like 10m, 2h, 3d or 1h30m`);
    total += Number(m[1]) * UNIT_MINUTES[m[2]];
    rest = rest.slice(m[0].length).trim();
  }
  if (total > MAX_DAYS * 1440) return no(`"${text}" is longer than ${MAX_DAYS} days (ten years); a sheet reaches at most ${MAX_DAYS} days from the anchor`);
  return ok(total);
}

export type At = { kind: 'day'; day: number; minute: MinuteOfDay } | { kind: 'offset'; minutes: number };

/** `D-2 10:00` (calendar day + local time) or `T-2h` / `T+30m` / `T0` (exact offset from the anchor). */
export function readAt(text: string | number): Read<At> {
  if (typeof text === 'number') {
    return no(`${text} is not a time; write D<day> HH:MM (like D-2 10:00) or T±<duration> (like T-2h)`);
  }
  const t = text.trim();
  if (/^[Tt]/.test(t)) {
    const m = /^[Tt]\s*(?:([+-])\s*(.+)|0)?$/.exec(t);
    if (!m) return no(`"${t}" is not an offset from the anchor; write it like T-2h, T+30m or T0`);
    if (!m[1]) {
      if (t.length > 1 && t.slice(1).trim() !== '0') return no(`"${t}" needs a sign, like T-2h or T+30m`);
      return ok({ kind: 'offset', minutes: 0 });
    }
    if (m[2].trim() === '0') return ok({ kind: 'offset', minutes: 0 });
    const d = readDuration(m[2]);
    if (!d.ok) return no(`"${t}": ${d.reason}`);
    return ok({ kind: 'offset', minutes: m[1] === '-' ? -d.value : d.value });
  }
  if (/^[Dd]/.test(t)) {
    const m = /^([Dd]\s*[+-]?\d+)\s+(.+)$/.exec(t);
    if (!m) {
      return /^[Dd]\s*[+-]?\d+$/.test(t)
        ? no(`"${t}" has a day but no time; add a time of day, like ${t} 09:00`)
        : no(`"${t}" is not a time; write D<day> HH:MM, like D-2 10:00`);
    }
    const day = readDay(m[1]);
    if (!day.ok) return no(day.reason);
    const clock = readClock(m[2]);
    if (!clock.ok) return no(clock.reason);
    return ok({ kind: 'day', day: day.value, minute: clock.value });
  }
  return no(`"${t}" is not a time; write D<day> HH:MM (like D-2 10:00) or T±<duration> (like T-2h)`);
}

const WEEKDAYS: Record<string, Weekday> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** `day`, `weekday`, `weekend`, or a list of days: `mon,wed,fri`. */
export function readEvery(text: string): Read<'day' | Weekday[]> {
  const t = text.trim().toLowerCase();
  if (t === 'day' || t === 'daily') return ok('day');
  if (t === 'weekday' || t === 'weekdays') return ok([1, 2, 3, 4, 5]);
  if (t === 'weekend' || t === 'weekends') return ok([6, 7]);
  const days: Weekday[] = [];
  for (const raw of t.split(/[\s,]+/).filter(Boolean)) {
    const d = WEEKDAYS[raw.slice(0, 3)];
    if (!d || !(raw.length === 3 || FULL_DAY_NAMES.includes(raw))) {
      return no(`"${raw}" is not a day of the week; use day, weekday, weekend or a list like mon,wed,fri`);
    }
    if (!days.includes(d)) days.push(d);
  }
  if (!days.length) return no('`every` is empty; use day, weekday, weekend or a list like mon,wed,fri');
  return ok(days.sort());
}

/** `10m`, `2h`, `3d` (exact) or `3d at 19:30` (N calendar days later at a local time). */
export function readAfter(text: string | number): Read<After> {
  if (typeof text === 'number') return no(`${text} has no unit; write a delay like 10m, 2h, 3d or "3d at 19:30"`);
  const m = /^(\d+)\s*d\s+at\s+(.+)$/i.exec(text.trim());
  if (m) {
    const clock = readClock(m[2]);
    if (!clock.ok) return no(clock.reason);
    const days = Number(m[1]);
    if (days > MAX_DAYS) return no(`"${text}" is more than ${MAX_DAYS} days (ten years) after the event; use at most ${MAX_DAYS}d`);
    return ok({ kind: 'day', days, minute: clock.value });
  }
  const d = readDuration(text);
  if (!d.ok) return no(d.reason);
  return ok({ kind: 'duration', minutes: d.value });
}

/** `22:00-08:00` — a local window that may wrap past midnight. */
export function readQuietHours(text: string): Read<{ start: MinuteOfDay; end: MinuteOfDay }> {
  const parts = text.split(/\s*[-–~到至]\s*/);
  if (parts.length !== 2) return no(`"${text}" is not a window; write it as HH:MM-HH:MM, like 22:00-08:00`);
  const start = readClock(parts[0]);
  if (!start.ok) return no(start.reason);
  const end = readClock(parts[1]);
  if (!end.ok) return no(end.reason);
  if (start.value === end.value) return no(`"${text}" starts and ends at the same time`);
  return ok({ start: start.value, end: end.value });
}

/** True when a local minute of day lies inside a quiet window (start inclusive, end exclusive). */
export function inQuietHours(minute: MinuteOfDay, quiet: { start: MinuteOfDay; end: MinuteOfDay }): boolean {
  return quiet.start < quiet.end
    ? minute >= quiet.start && minute < quiet.end
    : minute >= quiet.start || minute < quiet.end;
}

export function formatClock(minute: MinuteOfDay): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function formatDay(day: number): string {
  return `D${day}`;
}

/**
 * The days (D indexes) a recurring step occurs on. `weekdayOfD0` is the ISO weekday of the
 * anchor's local date; without it (the linter does not know the date) every day from..until counts.
 */
export function recurrenceDays(
  days: 'day' | Weekday[],
  from: number,
  until: number,
  weekdayOfD0?: Weekday,
): number[] {
  const out: number[] = [];
  for (let d = from; d <= until; d++) {
    if (days === 'day' || weekdayOfD0 === undefined) {
      out.push(d);
      continue;
    }
    const wd = ((((weekdayOfD0 - 1 + d) % 7) + 7) % 7) + 1;
    if (days.includes(wd as Weekday)) out.push(d);
  }
  return out;
}
