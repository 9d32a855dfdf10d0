// The funnel's and the cohorts' facts read from the database (docs/insight.md#funnel), set-based
// and without reading messages: each member's stay in the chosen groups (their first join in the
// period) with what ingest kept on it (stay-activity.ts: activated within 72 hours, the own weeks
// they wrote in), and the member's first order at or after the join. Those are handed to the pure
// rules (rules/funnel.ts) as instants inside the windows they stand for: the rules decide.
// Bots and the group's staff (its leaders and assistants) are not members of the funnel.

import { DateTime } from 'luxon';
import { type Db, sql } from '../store/db.ts';
import { ACTIVATE_HOURS, type Cohort, cohorts, type Funnel, funnel, type MemberFacts } from './rules/funnel.ts';
import { rollupZone } from './rollups.ts';
import { MAX_WEEKS } from './stay-activity.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Whose stays: the groups (ids, already narrowed to what the caller may see), optionally only the members a campaign brought. */
export interface FunnelScope {
  groups: readonly string[];
  campaign?: string;
}

/** The members' first stay in each group that began in [since, until), bots and staff left out. */
function stays(scope: FunnelScope, since: Date | null, until: Date | null) {
  const campaign = scope.campaign
    ? sql`AND EXISTS (SELECT 1 FROM campaign_invites ci WHERE ci.campaign_id = ${scope.campaign} AND ci.state <> 'rejected'
        AND ci.group_id = m.group_id AND ci.invitee_id = m.member_id
        AND ci.joined_at BETWEEN m.joined_at - interval '1 minute' AND m.joined_at + interval '1 minute')`
    : sql``;
  return sql`
    sel AS (SELECT id FROM unnest(${[...new Set(scope.groups)]}::text[]) AS s(id)),
    st AS (
      SELECT DISTINCT ON (m.group_id, m.member_id) m.group_id, m.member_id, m.joined_at, m.activated, m.active_weeks
      FROM memberships m JOIN sel ON sel.id = m.group_id
      WHERE ${since ? sql`m.joined_at >= ${since.toISOString()}::timestamptz` : sql`true`}
        AND ${until ? sql`m.joined_at < ${until.toISOString()}::timestamptz` : sql`true`}
        AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.member_id AND i.is_bot)
        AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant'))
        ${campaign}
      ORDER BY m.group_id, m.member_id, m.joined_at)`;
}

/**
 * A stay's kept flags as instants the rules read back the same: activated → the join itself (hour
 * 0); own week 0 → hour 72 (in week 0, outside activation); own week k ≥ 1 → day 7k.
 */
export function activityOf(joinedAt: Date, activated: boolean, weeks: bigint): Date[] {
  const j = joinedAt.getTime();
  const out: Date[] = activated ? [joinedAt] : [];
  for (let k = 0; k < MAX_WEEKS; k++) if ((weeks >> BigInt(k)) & 1n) out.push(new Date(j + (k === 0 ? ACTIVATE_HOURS * HOUR : k * WEEK)));
  return out;
}

/** Stays alike for the rules, counted: in a group (or on a local join day), with the same flags and whether they converted. */
interface ClassRow {
  key: string;
  activated: boolean;
  active_weeks: string;
  converted: boolean;
  n: number;
}

/**
 * The chosen stays counted by class, keyed by group (`by: 'group'`) or by local join day (`by:
 * 'day'`), so a few thousand rows come back for hundreds of thousands of stays. Converted: an order
 * at or after the join (the orders joined as a set: they are few beside the stays). `weeks` keeps
 * the own weeks the caller needs (the funnel: week 1, its retain).
 */
async function stayClasses(db: Db, scope: FunnelScope, o: { since: Date | null; until: Date | null; by: 'group' | 'day'; weeks: number }): Promise<ClassRow[]> {
  const key = o.by === 'group' ? sql`st.group_id` : sql`(st.joined_at AT TIME ZONE ${rollupZone()})::date::text`;
  const mask = (1n << BigInt(o.weeks)) - 1n;
  const r = await sql<ClassRow>`
    WITH ${stays(scope, o.since, o.until)},
    ord AS (
      SELECT DISTINCT st.group_id, st.member_id
      FROM st JOIN orders x ON x.member_id = st.member_id AND x.at >= st.joined_at)
    SELECT ${key} AS key, st.activated, (st.active_weeks & ${mask.toString()}::bigint)::text AS active_weeks,
      (ord.member_id IS NOT NULL) AS converted, count(*)::int AS n
    FROM st LEFT JOIN ord ON ord.group_id = st.group_id AND ord.member_id = st.member_id
    GROUP BY 1, 2, 3, 4`.execute(db);
  return r.rows;
}

/** A class's facts for the rules: `n` times the same stay, joined at `joinedAt`. */
function factsOf(c: ClassRow, joinedAt: Date): MemberFacts[] {
  const one: MemberFacts = { joinedAt, activeAt: activityOf(joinedAt, c.activated, BigInt(c.active_weeks)), firstOrderAt: c.converted ? joinedAt : null };
  return new Array<MemberFacts>(c.n).fill(one);
}

/** One group's row of the breakdown. */
export interface GroupFunnel extends Funnel {
  group: string;
  name: string;
}

/**
 * The funnel over the scope, and group by group (most members attracted first). The period is
 * applied to the stays in SQL; the rules count the classes' facts (each standing at the period's
 * start: the rules' own windows are relative to the join).
 */
export async function funnelReport(db: Db, scope: FunnelScope, period: { since?: Date; until?: Date } = {}): Promise<{ funnel: Funnel; groups: GroupFunnel[] }> {
  if (!scope.groups.length) return { funnel: funnel([]), groups: [] };
  const classes = await stayClasses(db, scope, { since: period.since ?? null, until: period.until ?? null, by: 'group', weeks: 2 });
  const at = period.since ?? new Date(0);
  const byGroup = new Map<string, MemberFacts[]>();
  for (const c of classes) {
    const list = byGroup.get(c.key) ?? [];
    for (const f of factsOf(c, at)) list.push(f);
    byGroup.set(c.key, list);
  }
  const names = byGroup.size
    ? new Map((await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', [...byGroup.keys()]).execute()).map((g) => [g.id, g.name]))
    : new Map<string, string>();
  const groups = [...byGroup.entries()]
    .map(([group, list]) => ({ group, name: names.get(group) ?? group, ...funnel(list) }))
    .sort((a, b) => b.attract.count - a.attract.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { funnel: funnel([...byGroup.values()].flat()), groups };
}

/** The Monday 00:00 (in the zone) that starts the ISO week `weeks - 1` weeks before the one `now` is in. */
export function cohortStart(now: Date, zone: string, weeks: number): Date {
  return DateTime.fromJSDate(now, { zone })
    .startOf('week')
    .minus({ weeks: weeks - 1 })
    .toJSDate();
}

/** Join-week cohorts of the last `weeks` ISO weeks (this one included) in the workspace's zone, by the rules' `cohorts`. */
export async function cohortReport(db: Db, scope: FunnelScope, opts: { now: Date; weeks?: number }): Promise<{ zone: string; cohorts: Cohort[] }> {
  const zone = rollupZone();
  const weeks = opts.weeks ?? 12;
  if (!scope.groups.length) return { zone, cohorts: [] };
  const since = cohortStart(opts.now, zone, weeks);
  // A stay stands at noon of its local join day: the same ISO week, and the rules' windows are
  // relative to the join. The cohorts add up member by member, so the rules judge one stay of each
  // class and its figures count n times (Luxon per member was most of the time).
  const classes = await stayClasses(db, scope, { since, until: opts.now, by: 'day', weeks });
  const byWeek = new Map<string, Cohort>();
  for (const c of classes) {
    const [one] = factsOf({ ...c, n: 1 }, DateTime.fromISO(`${c.key}T12:00:00`, { zone }).toJSDate());
    const [judged] = cohorts(one ? [one] : [], { zone, now: opts.now, weeks });
    if (!judged) continue;
    const sum = byWeek.get(judged.week) ?? { week: judged.week, joined: 0, retained: judged.retained.map(() => 0) };
    sum.joined += c.n * judged.joined;
    judged.retained.forEach((r, k) => {
      sum.retained[k] = (sum.retained[k] ?? 0) + c.n * r;
    });
    byWeek.set(judged.week, sum);
  }
  return { zone, cohorts: [...byWeek.values()].sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0)) };
}
