// Local calendar arithmetic in a sheet's time zone. Luxon does the zone and DST work; this file
// only names the few questions the planner asks.
//
// DST, as Luxon resolves it (and so as Chorus plans):
// - a local time that does not exist (inside a spring-forward gap, like 02:30 on 2026-03-08 in
//   New York) moves forward by the length of the gap (03:30 local);
// - a local time that happens twice (inside a fall-back overlap, like 01:30 on 2026-11-01 in
//   New York) is the later of the two, in standard time (01:30 -05:00).

import { DateTime, IANAZone } from 'luxon';
import type { MinuteOfDay, Weekday } from './types.ts';

/** A local calendar date, counted in days since 1970-01-01 so that "D+3" is plain addition. */
export type DayNumber = number;

const DAY_MS = 86_400_000;

export function isZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The local date and minute of day of an instant. */
export function localOf(ms: number, zone: string): { day: DayNumber; minute: MinuteOfDay; weekday: Weekday } {
  const t = DateTime.fromMillis(ms, { zone });
  return { day: dayNumberOf(t.year, t.month, t.day), minute: t.hour * 60 + t.minute, weekday: t.weekday as Weekday };
}

/** The instant of a local date and time (see the DST notes above for gaps and overlaps). */
export function instantOf(day: DayNumber, minute: MinuteOfDay, zone: string): number {
  const d = new Date(day * DAY_MS);
  return DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: Math.floor(minute / 60),
      minute: minute % 60,
    },
    { zone },
  ).toMillis();
}

/** ISO weekday (1 = Monday) of a local date. */
export function weekdayOf(day: DayNumber): Weekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1 as Weekday;
}

/** `yyyy-MM-dd HH:mm` in the zone, as `{{ run.anchor }}` shows it. */
export function formatLocal(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
}
