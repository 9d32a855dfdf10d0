// The health board (docs/insight.md#group-health): per group the 7-day window's figures, read
// from the rollups only (src/insight/rollups.ts, never raw messages), judged by the pure rules
// (rules/health.ts); the daily series of the last 30 days; day-7 survival over a set of groups.
// Days are local days in the rollups' zone; the window is today and the 6 days before it.

import { selectGroups } from '../community/groups.ts';
import { type Db, sql } from '../store/db.ts';
import { groupHealth, type HealthFigures, type HealthReason, type HealthStatus, survival } from './rules/health.ts';
import { rollupZone } from './rollups.ts';

/** One row of the board: exactly the fields of `chorus health --json`. */
export interface HealthRow extends HealthFigures {
  group: string;
  name: string;
  score: number;
  status: HealthStatus;
  reasons: HealthReason[];
}

export interface HealthDay {
  day: string;
  joins: number;
  leaves: number;
  messages: number;
  memberMessages: number;
  staffMessages: number;
  activeMembers: number;
  questions: number;
}

const DAY_MS = 86_400_000;
const WINDOW = 7;
const STATUS_ORDER: Record<HealthStatus, number> = { dying: 0, watch: 1, healthy: 2 };

/** The local day of an instant in a zone, as YYYY-MM-DD. */
export function localDay(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
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
  p50: number | null;
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
  const r = await sql<WindowRow>`
    WITH g AS (
      SELECT id, name, created_at, member_count, (created_at AT TIME ZONE ${zone})::date AS born
      FROM groups WHERE id = ANY(${[...ids]}::text[])),
    d AS (
      SELECT group_id,
        sum(joins) FILTER (WHERE day >= ${start}::date) AS joins, sum(leaves) FILTER (WHERE day >= ${start}::date) AS leaves,
        sum(messages) FILTER (WHERE day >= ${start}::date) AS messages, sum(member_messages) FILTER (WHERE day >= ${start}::date) AS member_messages,
        sum(joins) FILTER (WHERE day < ${start}::date) AS p_joins, sum(leaves) FILTER (WHERE day < ${start}::date) AS p_leaves,
        sum(messages) FILTER (WHERE day < ${start}::date) AS p_messages, sum(member_messages) FILTER (WHERE day < ${start}::date) AS p_member_messages
      FROM group_days WHERE group_id = ANY(${[...ids]}::text[]) AND day BETWEEN ${pStart}::date AND ${today}::date GROUP BY group_id),
    a AS (
      SELECT group_id, count(*) AS n FROM group_member_active
      WHERE group_id = ANY(${[...ids]}::text[]) AND day >= ${start}::date GROUP BY group_id),
    pa AS (
      SELECT group_id, count(DISTINCT member_id) AS n FROM group_day_members
      WHERE group_id = ANY(${[...ids]}::text[]) AND day BETWEEN ${pStart}::date AND ${pEnd}::date GROUP BY group_id),
    w AS (
      SELECT d.group_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.s) AS p50
      FROM group_days d, unnest(d.response_seconds) AS s(s)
      WHERE d.group_id = ANY(${[...ids]}::text[]) AND d.day >= ${start}::date AND cardinality(d.response_seconds) > 0 GROUP BY d.group_id)
    SELECT g.id, g.name, extract(epoch FROM ${now.toISOString()}::timestamptz - g.created_at)::float8 AS age_s,
      greatest(0, CASE WHEN g.member_count IS NOT NULL THEN g.member_count
        ELSE (SELECT coalesce(sum(x.joins - x.leaves), 0) FROM group_days x WHERE x.group_id = g.id) END)::int AS members,
      greatest(1, ${today}::date - greatest(${start}::date, g.born) + 1)::int AS days,
      greatest(0, ${pEnd}::date - greatest(${pStart}::date, g.born) + 1)::int AS p_days,
      coalesce(d.joins, 0)::int AS joins, coalesce(d.leaves, 0)::int AS leaves,
      coalesce(d.messages, 0)::int AS messages, coalesce(d.member_messages, 0)::int AS member_messages,
      coalesce(a.n, 0)::int AS active, w.p50::float8 AS p50,
      coalesce(d.p_joins, 0)::int AS p_joins, coalesce(d.p_leaves, 0)::int AS p_leaves,
      coalesce(d.p_messages, 0)::int AS p_messages, coalesce(d.p_member_messages, 0)::int AS p_member_messages,
      coalesce(pa.n, 0)::int AS p_active
    FROM g LEFT JOIN d ON d.group_id = g.id LEFT JOIN a ON a.group_id = g.id
      LEFT JOIN pa ON pa.group_id = g.id LEFT JOIN w ON w.group_id = g.id`.execute(db);
  const rows = r.rows.map((x): HealthRow => {
    const figures = figuresOf({
      members: x.members,
      joins: x.joins,
      leaves: x.leaves,
      messages: x.messages,
      memberMessages: x.member_messages,
      active: x.active,
      days: x.days,
      p50: x.p50,
      ageDays: x.age_s / 86_400,
    });
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
  return rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.score - b.score || a.name.localeCompare(b.name));
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
    leaveRate7d: round(s.leaves / Math.max(1, atStart)),
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
  const r = await sql<{ group_id: string; day: string; joins: number; leaves: number; messages: number; member_messages: number; staff_messages: number; active_members: number; questions: number }>`
    SELECT group_id, day::text AS day, joins, leaves, messages, member_messages, staff_messages, active_members, questions
    FROM group_days WHERE group_id = ANY(${[...ids]}::text[]) AND day BETWEEN ${first}::date AND ${today}::date`.execute(db);
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
      });
    }
    out.set(id, series);
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
    FROM groups g LEFT JOIN group_days d ON d.group_id = g.id AND d.day = (g.created_at AT TIME ZONE ${zone})::date + 6
    WHERE g.id = ANY(${[...ids]}::text[])`.execute(db);
  return survival(r.rows.map((x) => ({ ageDays: x.age_s / 86_400, day7ActiveMembers: x.active })));
}

/** The groups of a run (for survival across a run's groups). */
export async function runGroupIds(db: Db, runId: string): Promise<string[]> {
  return (await db.selectFrom('run_groups').select('group_id').where('run_id', '=', runId).execute()).map((r) => r.group_id);
}
