// The funnel's and the cohorts' facts read from the database (docs/insight.md#funnel), set-based:
// each member's stay in the chosen groups (their first join in the period), and for each window the
// pure rules look at (rules/funnel.ts) the first moment they were active in it — a message they
// wrote in the group, check-ins included — found by one index probe (034_funnel.sql), never by
// reading their messages. The facts handed to the rules are those moments only: the rules decide.
// Bots and the group's staff (its leaders and assistants) are not members of the funnel.

import { DateTime } from 'luxon';
import { type Db, sql } from '../store/db.ts';
import { ACTIVATE_HOURS, type Cohort, cohorts, type Funnel, funnel, type MemberFacts, RETAIN_FROM_DAY, RETAIN_TO_DAY } from './rules/funnel.ts';
import { rollupZone } from './rollups.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Whose stays: the groups (ids, already narrowed to what the caller may see), optionally only the members a campaign brought. */
export interface FunnelScope {
  groups: readonly string[];
  campaign?: string;
}

/** One stay with its group, as read: the rules' facts plus the group for the breakdown. */
export interface Stay extends MemberFacts {
  group: string;
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
      SELECT DISTINCT ON (m.group_id, m.member_id) m.group_id, m.member_id, m.joined_at
      FROM memberships m JOIN sel ON sel.id = m.group_id
      WHERE ${since ? sql`m.joined_at >= ${since.toISOString()}::timestamptz` : sql`true`}
        AND ${until ? sql`m.joined_at < ${until.toISOString()}::timestamptz` : sql`true`}
        AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.member_id AND i.is_bot)
        AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant'))
        ${campaign}
      ORDER BY m.group_id, m.member_id, m.joined_at)`;
}

/**
 * The first moment the stay's member wrote in its group in [joined + from, joined + to) (seconds), or
 * null: one probe of messages_member_time. A check-in is a member's message (checkins.ts marks only
 * messages), so the messages hold the check-ins too.
 */
const firstActive = (fromS: number | ReturnType<typeof sql>, toS: number | ReturnType<typeof sql>) => sql`(
  SELECT x.sent_at FROM messages x WHERE x.group_id = st.group_id AND x.member_id = st.member_id
    AND x.sent_at >= st.joined_at + make_interval(secs => (${fromS})::float8) AND x.sent_at < st.joined_at + make_interval(secs => (${toS})::float8)
  ORDER BY x.sent_at LIMIT 1)`;

const asDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** The funnel's facts: per stay, its first activity in the first 72 hours and in the second week, and the first order at or after joining. */
export async function funnelStays(db: Db, scope: FunnelScope, period: { since?: Date; until?: Date } = {}): Promise<Stay[]> {
  if (!scope.groups.length) return [];
  const r = await sql<{ group_id: string; joined_at: Date | string; a1: Date | string | null; a2: Date | string | null; first_order: Date | string | null }>`
    WITH ${stays(scope, period.since ?? null, period.until ?? null)}
    SELECT st.group_id, st.joined_at,
      ${firstActive(0, ACTIVATE_HOURS * 3600)} AS a1,
      ${firstActive(RETAIN_FROM_DAY * 86_400, RETAIN_TO_DAY * 86_400)} AS a2,
      (SELECT min(o.at) FROM orders o WHERE o.member_id = st.member_id AND o.at >= st.joined_at) AS first_order
    FROM st`.execute(db);
  return r.rows.map((x) => ({
    group: x.group_id,
    joinedAt: new Date(x.joined_at),
    activeAt: [asDate(x.a1), asDate(x.a2)].filter((d): d is Date => d !== null),
    firstOrderAt: asDate(x.first_order),
  }));
}

/** One group's row of the breakdown. */
export interface GroupFunnel extends Funnel {
  group: string;
  name: string;
}

/** The funnel over the scope, and group by group (most members attracted first). */
export async function funnelReport(db: Db, scope: FunnelScope, period: { since?: Date; until?: Date } = {}): Promise<{ funnel: Funnel; groups: GroupFunnel[] }> {
  const all = await funnelStays(db, scope, period);
  const byGroup = new Map<string, Stay[]>();
  for (const s of all) {
    const list = byGroup.get(s.group);
    if (list) list.push(s);
    else byGroup.set(s.group, [s]);
  }
  const names = byGroup.size
    ? new Map((await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', [...byGroup.keys()]).execute()).map((g) => [g.id, g.name]))
    : new Map<string, string>();
  const groups = [...byGroup.entries()]
    .map(([group, list]) => ({ group, name: names.get(group) ?? group, ...funnel(list, period) }))
    .sort((a, b) => b.attract.count - a.attract.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { funnel: funnel(all, period), groups };
}

/** The Monday 00:00 (in the zone) that starts the ISO week `weeks - 1` weeks before the one `now` is in. */
export function cohortStart(now: Date, zone: string, weeks: number): Date {
  return DateTime.fromJSDate(now, { zone })
    .startOf('week')
    .minus({ weeks: weeks - 1 })
    .toJSDate();
}

/**
 * Join-week cohorts of the last `weeks` ISO weeks (this one included) in the workspace's zone: per
 * stay, one moment in each of its own weeks 0 … weeks − 1 it was active in (checked only for weeks
 * already begun), for the rules' `cohorts`.
 */
export async function cohortReport(db: Db, scope: FunnelScope, opts: { now: Date; weeks?: number }): Promise<{ zone: string; cohorts: Cohort[] }> {
  const zone = rollupZone();
  const weeks = opts.weeks ?? 12;
  if (!scope.groups.length) return { zone, cohorts: [] };
  const since = cohortStart(opts.now, zone, weeks);
  const r = await sql<{ joined_at: Date | string; weeks: number[] }>`
    WITH ${stays(scope, since, opts.now)}
    SELECT st.joined_at, ARRAY(
      SELECT k FROM generate_series(0, ${weeks - 1}) AS w(k)
      WHERE st.joined_at + make_interval(secs => 604800 * k) < ${opts.now.toISOString()}::timestamptz
        AND ${firstActive(sql`604800 * k`, sql`604800 * (k + 1)`)} IS NOT NULL
      ORDER BY k) AS weeks
    FROM st`.execute(db);
  const facts: MemberFacts[] = r.rows.map((x) => {
    const joinedAt = new Date(x.joined_at);
    return { joinedAt, activeAt: x.weeks.map((k) => new Date(joinedAt.getTime() + Number(k) * WEEK)), firstOrderAt: null };
  });
  return { zone, cohorts: cohorts(facts, { zone, now: opts.now, weeks }) };
}
