// The four stages of the articles — attract, activate, retain, convert — over members' facts, the
// join-week retention cohorts and DAU/MAU. Pure: plain data in and out; local days and ISO weeks in
// the workspace's time zone by Luxon, as the planner does (src/sop/zone.ts). docs/insight.md#funnel.

import { DateTime } from 'luxon';
import { localOf } from '../../sop/zone.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What the funnel knows of one member's stay in a group. */
export interface MemberFacts {
  joinedAt: Date;
  /** When the member spoke or checked in (any order, duplicates allowed). */
  activeAt: readonly Date[];
  /** Their first order at or after joining; an earlier one does not count. */
  firstOrderAt: Date | null;
}

/** A stage: how many members reached it and their share of those attracted (0 when none were). */
export interface Stage {
  count: number;
  rate: number;
}

export interface Funnel {
  attract: Stage;
  activate: Stage;
  retain: Stage;
  convert: Stage;
}

/** Activate: active within this many hours of joining. */
export const ACTIVATE_HOURS = 72;
/** Retain: active in the member's second week, days 7–13 after joining (hours 168 to 336). */
export const RETAIN_FROM_DAY = 7;
export const RETAIN_TO_DAY = 14;

const rate = (n: number, of: number): number => (of ? Math.round((n / of) * 10_000) / 10_000 : 0);
const activeBetween = (m: MemberFacts, fromMs: number, toMs: number): boolean => {
  const j = m.joinedAt.getTime();
  return m.activeAt.some((a) => a.getTime() - j >= fromMs && a.getTime() - j < toMs);
};

export const isActivated = (m: MemberFacts): boolean => activeBetween(m, 0, ACTIVATE_HOURS * HOUR);
export const isRetained = (m: MemberFacts): boolean => activeBetween(m, RETAIN_FROM_DAY * DAY, RETAIN_TO_DAY * DAY);
export const isConverted = (m: MemberFacts): boolean => m.firstOrderAt !== null && m.firstOrderAt.getTime() >= m.joinedAt.getTime();

/**
 * The funnel of the members who joined in [since, until) (all of them without a period). Each later
 * stage is counted on its own among those attracted: a member may be retained without having been
 * activated, or convert without either.
 */
export function funnel(members: readonly MemberFacts[], period: { since?: Date; until?: Date } = {}): Funnel {
  const from = period.since?.getTime() ?? -Infinity;
  const to = period.until?.getTime() ?? Infinity;
  const attracted = members.filter((m) => m.joinedAt.getTime() >= from && m.joinedAt.getTime() < to);
  const n = attracted.length;
  const stage = (test: (m: MemberFacts) => boolean): Stage => {
    const count = attracted.filter(test).length;
    return { count, rate: rate(count, n) };
  };
  return { attract: { count: n, rate: n ? 1 : 0 }, activate: stage(isActivated), retain: stage(isRetained), convert: stage(isConverted) };
}

/** The ISO week (`2026-W07`) of an instant in a time zone. */
export function isoWeekOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("kkkk-'W'WW");
}

export interface Cohort {
  week: string;
  joined: number;
  /** retained[k]: members active in their own week k + 1 after joining (days 7k to 7k + 6). */
  retained: number[];
}

/**
 * Join-week retention cohorts: members grouped by the ISO week they joined in (local to `zone`),
 * oldest first. A cohort lists week k only once it is over for every member of the cohort (the
 * cohort's week ended 7(k + 1) days before `now`), so no figure is partial; at most `weeks` weeks.
 */
export function cohorts(members: readonly MemberFacts[], opts: { zone: string; now: Date; weeks?: number }): Cohort[] {
  const maxWeeks = opts.weeks ?? 12;
  const byWeek = new Map<string, { end: number; members: MemberFacts[] }>();
  for (const m of members) {
    const local = DateTime.fromJSDate(m.joinedAt, { zone: opts.zone });
    const week = local.toFormat("kkkk-'W'WW");
    let c = byWeek.get(week);
    if (!c) {
      c = { end: local.startOf('week').plus({ weeks: 1 }).toMillis(), members: [] };
      byWeek.set(week, c);
    }
    c.members.push(m);
  }
  const now = opts.now.getTime();
  return [...byWeek.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([week, c]) => {
      const complete = Math.max(0, Math.min(maxWeeks, Math.floor((now - c.end) / (7 * DAY))));
      const retained = Array.from({ length: complete }, (_, k) => c.members.filter((m) => activeBetween(m, 7 * k * DAY, 7 * (k + 1) * DAY)).length);
      return { week, joined: c.members.length, retained };
    });
}

/** One member's activity, for DAU/MAU. */
export interface Activity {
  activeAt: readonly Date[];
}

/** Members active on a local day (DAU), in the 30 local days ending on it (MAU), and DAU ÷ MAU. */
export function dauMau(members: readonly Activity[], day: Date, zone: string): { dau: number; mau: number; ratio: number } {
  const d = localOf(day.getTime(), zone).day;
  let dau = 0;
  let mau = 0;
  for (const m of members) {
    let today = false;
    let month = false;
    for (const a of m.activeAt) {
      const ad = localOf(a.getTime(), zone).day;
      if (ad === d) today = true;
      if (ad <= d && ad > d - 30) month = true;
    }
    if (today) dau++;
    if (month) mau++;
  }
  return { dau, mau, ratio: rate(dau, mau) };
}
