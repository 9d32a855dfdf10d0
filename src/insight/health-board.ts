// The health board (docs/insight.md#group-health): per group the 7-day window's figures, read
// from the rollups only (src/insight/rollups.ts, never raw messages), judged by the pure rules
// (rules/health.ts); the daily series of the last 30 days; day-7 survival over a set of groups.
// Days are local days in the rollups' zone; the window is today and the 6 days before it.

import { selectGroups } from '../community/groups.ts';
import { type Db, sql } from '../store/db.ts';
import { groupHealth, type HealthFigures, type HealthReason, type HealthStatus, survival } from './rules/health.ts';
import type { DayRollup } from './rules/health-series.ts';
import { median as medianOf } from './rules/median.ts';
import { localDayOf, rollupZone } from './rollups.ts';

/** One row of the board: exactly the fields of `chorus health --json`. */
export interface HealthRow extends HealthFigures {
  group: string;
  name: string;
  score: number;
  status: HealthStatus;
  reasons: HealthReason[];
}

/** One day of a group's rollups (the health page's series before its figures, rules/health-series.ts). */
export type HealthDay = DayRollup;

const DAY_MS = 86_400_000;
const WINDOW = 7;
const STATUS_ORDER: Record<HealthStatus, number> = { dying: 0, watch: 1, healthy: 2 };

/** The local day of an instant in a zone, as YYYY-MM-DD. */
export function localDay(at: Date, zone: string): string {
  return localDayOf(zone)(at);
}

/** A YYYY-MM-DD day moved by whole days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

const round = (x: number, places = 4): number => Math.round(x * 10 ** places) / 10 ** places;

interface WindowRow {
  id: string;
  name: string;
  age_s: number;
  members: number;
  days: number;
  joins: number;
  leaves: number;
  messages: number;
  member_messages: number;
  active: number;
  waits: string | null;
  p_days: number;
  p_joins: number;
  p_leaves: number;
  p_messages: number;
  p_member_messages: number;
  p_active: number;
}

/**
 * The board for these groups (ids), worst first: dying, then watch, then healthy, lowest score
 * first. `now` decides the window; the rules decide score, status and reasons.
 */
export async function healthBoard(db: Db, ids: readonly string[], now = new Date()): Promise<HealthRow[]> {
  if (!ids.length) return [];
  const zone = rollupZone();
  const today = localDay(now, zone);
  const start = addDays(today, -(WINDOW - 1));
  const pEnd = addDays(start, -1);
  const pStart = addDays(start, -WINDOW);
  // The groups as a set joined by hash (a long `= ANY(array)` is checked element by element on every row).
  const r = await sql<WindowRow>`
    WITH sel AS (SELECT id FROM unnest(${[...new Set(ids)]}::text[]) AS s(id)),
    g AS (
      SELECT g.id, g.name, g.created_at, g.member_count, (g.created_at AT TIME ZONE ${zone})::date AS born
      FROM groups g JOIN sel ON sel.id = g.id),
    d AS (
      SELECT x.group_id,
        sum(x.joins) FILTER (WHERE x.day >= ${start}::date) AS joins, sum(x.leaves) FILTER (WHERE x.day >= ${start}::date) AS leaves,
        sum(x.messages) FILTER (WHERE x.day >= ${start}::date) AS messages, sum(x.member_messages) FILTER (WHERE x.day >= ${start}::date) AS member_messages,
        sum(x.joins) FILTER (WHERE x.day < ${start}::date) AS p_joins, sum(x.leaves) FILTER (WHERE x.day < ${start}::date) AS p_leaves,
        sum(x.messages) FILTER (WHERE x.day < ${start}::date) AS p_messages, sum(x.member_messages) FILTER (WHERE x.day < ${start}::date) AS p_member_messages,
        sum(x.last_active) FILTER (WHERE x.day >= ${start}::date) AS active,
        max(x.active_members) FILTER (WHERE x.day < ${start}::date) AS p_active,
        -- The window's waits as one text, the median taken here (faster than percentile_cont over unnest).
        string_agg(array_to_string(x.response_seconds, ','), ',') FILTER (WHERE x.day >= ${start}::date AND cardinality(x.response_seconds) > 0) AS waits
      FROM group_days x JOIN sel ON sel.id = x.group_id WHERE x.day BETWEEN ${pStart}::date AND ${today}::date GROUP BY x.group_id),
    -- Members from the joins and leaves, for a group whose platform gives no member count.
    n AS (
      SELECT x.group_id, sum(x.joins - x.leaves) AS members
      FROM group_days x JOIN g ON g.id = x.group_id WHERE g.member_count IS NULL GROUP BY x.group_id)
    SELECT g.id, g.name, extract(epoch FROM ${now.toISOString()}::timestamptz - g.created_at)::float8 AS age_s,
      greatest(0, coalesce(g.member_count, n.members, 0))::int AS members,
      greatest(1, ${today}::date - greatest(${start}::date, g.born) + 1)::int AS days,
      greatest(0, ${pEnd}::date - greatest(${pStart}::date, g.born) + 1)::int AS p_days,
      coalesce(d.joins, 0)::int AS joins, coalesce(d.leaves, 0)::int AS leaves,
      coalesce(d.messages, 0)::int AS messages, coalesce(d.member_messages, 0)::int AS member_messages,
      coalesce(d.active, 0)::int AS active, d.waits,
      coalesce(d.p_joins, 0)::int AS p_joins, coalesce(d.p_leaves, 0)::int AS p_leaves,
      coalesce(d.p_messages, 0)::int AS p_messages, coalesce(d.p_member_messages, 0)::int AS p_member_messages,
      coalesce(d.p_active, 0)::int AS p_active
    FROM g LEFT JOIN d ON d.group_id = g.id LEFT JOIN n ON n.group_id = g.id`.execute(db);
  const rows = r.rows.map((x): HealthRow => {
    const figures = figuresOf({
      members: x.members,
      joins: x.joins,
      leaves: x.leaves,
      messages: x.messages,
      memberMessages: x.member_messages,
      active: x.active,
      days: x.days,
      p50: median(x.waits),
      ageDays: x.age_s / 86_400,
    });
    // The previous window serves `declining` (its messages a day); its members active are the busiest
    // day's (a lower bound: counting them exactly would cost a DISTINCT over a week of rows).
    const previous =
      x.p_days > 0
        ? figuresOf({
            members: figures.members - figures.netGrowth7d,
            joins: x.p_joins,
            leaves: x.p_leaves,
            messages: x.p_messages,
            memberMessages: x.p_member_messages,
            active: x.p_active,
            days: x.p_days,
            p50: null,
            ageDays: x.age_s / 86_400 - WINDOW,
          })
        : undefined;
    const h = groupHealth(figures, previous);
    return { group: x.id, name: x.name, ...figures, score: h.score, status: h.status, reasons: h.reasons };
  });
  return rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The median of a comma-separated list of seconds (as percentile_cont: the mean of the middle two); null when empty. */
export function median(list: string | null): number | null {
  return list ? medianOf(list.split(',').map(Number)) : null;
}

/** The figures of one window from its sums (docs/insight.md#group-health). Pure. */
export function figuresOf(s: {
  members: number;
  joins: number;
  leaves: number;
  messages: number;
  memberMessages: number;
  active: number;
  days: number;
  p50: number | null;
  ageDays: number;
}): HealthFigures {
  const net = s.joins - s.leaves;
  const atStart = s.members - net;
  return {
    members: s.members,
    joined7d: s.joins,
    left7d: s.leaves,
    netGrowth7d: net,
    messagesPerDay7d: round(s.messages / Math.max(1, s.days), 2),
    activeRatio7d: s.members > 0 ? round(Math.min(1, s.active / s.members)) : 0,
    memberShare7d: s.messages > 0 ? round(s.memberMessages / s.messages) : 0,
    // Of everyone who was in the group during the window (there at its start, or joined since): a
    // new group's first leave is not 100 %.
    leaveRate7d: round(Math.min(1, s.leaves / Math.max(1, atStart + s.joins))),
    firstResponseP50s: s.p50 === null ? null : Math.round(s.p50),
    ageDays: Math.max(0, round(s.ageDays, 1)),
  };
}

/** The groups a selector picks (active groups), narrowed to a leader's when `within` is given. */
export async function healthGroupIds(db: Db, selector: string, within?: readonly string[]): Promise<string[]> {
  const ids = (await selectGroups(db, selector)).map((g) => g.id);
  if (!within) return ids;
  const allowed = new Set(within);
  return ids.filter((id) => allowed.has(id));
}

/** Each group's daily rollups over the last `days` local days, every day present (zeros where nothing happened), oldest first. */
export async function healthSeries(db: Db, ids: readonly string[], opts: { now?: Date; days?: number } = {}): Promise<Map<string, HealthDay[]>> {
  const out = new Map<string, HealthDay[]>();
  if (!ids.length) return out;
  const days = opts.days ?? 30;
  const today = localDay(opts.now ?? new Date(), rollupZone());
  const first = addDays(today, -(days - 1));
  const r = await sql<{ group_id: string; day: string; joins: number; leaves: number; messages: number; member_messages: number; staff_messages: number; active_members: number; questions: number; response_seconds: number[] }>`
    SELECT x.group_id, x.day::text AS day, x.joins, x.leaves, x.messages, x.member_messages, x.staff_messages, x.active_members, x.questions, x.response_seconds
    FROM group_days x JOIN (SELECT id FROM unnest(${[...new Set(ids)]}::text[]) AS s(id)) sel ON sel.id = x.group_id
    WHERE x.day BETWEEN ${first}::date AND ${today}::date`.execute(db);
  const have = new Map(r.rows.map((x) => [`${x.group_id} ${x.day}`, x]));
  for (const id of ids) {
    const series: HealthDay[] = [];
    for (let i = 0; i < days; i++) {
      const day = addDays(first, i);
      const x = have.get(`${id} ${day}`);
      series.push({
        day,
        joins: x?.joins ?? 0,
        leaves: x?.leaves ?? 0,
        messages: x?.messages ?? 0,
        memberMessages: x?.member_messages ?? 0,
        staffMessages: x?.staff_messages ?? 0,
        activeMembers: x?.active_members ?? 0,
        questions: x?.questions ?? 0,
        waits: x?.response_seconds ?? [],
      });
    }
    out.set(id, series);
  }
  return out;
}

/** Each group's messages per day over the last `days` local days, oldest first (the board's sparklines), aggregated in the database. */
export async function messagesDaily(db: Db, ids: readonly string[], opts: { now?: Date; days?: number } = {}): Promise<Map<string, number[]>> {
  if (!ids.length) return new Map();
  const days = opts.days ?? 30;
  const today = localDay(opts.now ?? new Date(), rollupZone());
  const first = addDays(today, -(days - 1));
  // Each group's days as one text of `<day index>:<messages>` (a few rows to read, the gaps filled here).
  const r = await sql<{ id: string; days: string | null }>`
    SELECT x.group_id AS id, string_agg((x.day - ${first}::date)::text || ':' || x.messages::text, ',') AS days
    FROM group_days x JOIN (SELECT id FROM unnest(${[...new Set(ids)]}::text[]) AS s(id)) sel ON sel.id = x.group_id
    WHERE x.day BETWEEN ${first}::date AND ${today}::date AND x.messages > 0 GROUP BY x.group_id`.execute(db);
  const out = new Map(ids.map((id) => [id, new Array<number>(days).fill(0)]));
  for (const row of r.rows) {
    const daily = out.get(row.id);
    if (!daily || !row.days) continue;
    for (const pair of row.days.split(',')) {
      const [i, n] = pair.split(':');
      daily[Number(i)] = Number(n);
    }
  }
  return out;
}

/**
 * Day-7 survival over these groups (rules' `survival`): a group's 7th day is, in the rollups, the
 * local day 6 days after the day it was created, and its active members that day count.
 */
export async function healthSurvival(db: Db, ids: readonly string[], now = new Date()): Promise<{ groups: number; alive: number; rate: number }> {
  if (!ids.length) return survival([]);
  const zone = rollupZone();
  const r = await sql<{ age_s: number; active: number }>`
    SELECT extract(epoch FROM ${now.toISOString()}::timestamptz - g.created_at)::float8 AS age_s, coalesce(d.active_members, 0)::int AS active
    FROM groups g JOIN (SELECT id FROM unnest(${[...new Set(ids)]}::text[]) AS s(id)) sel ON sel.id = g.id
      LEFT JOIN group_days d ON d.group_id = g.id AND d.day = (g.created_at AT TIME ZONE ${zone})::date + 6`.execute(db);
  return survival(r.rows.map((x) => ({ ageDays: x.age_s / 86_400, day7ActiveMembers: x.active })));
}

/** The groups of a run (for survival across a run's groups). */
export async function runGroupIds(db: Db, runId: string): Promise<string[]> {
  return (await db.selectFrom('run_groups').select('group_id').where('run_id', '=', runId).execute()).map((r) => r.group_id);
}
