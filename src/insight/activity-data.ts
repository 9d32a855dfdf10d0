// DAU/MAU and the stage distribution read from the database (docs/insight.md#dau-mau): who was
// active in a group each local day comes from the rollups (group_day_members: the members, not the
// staff, who spoke, a check-in being a message), never from the messages; the rules' dauMau counts.
// The stage distribution: the groups' current members' stages now and the stage moves since
// (member_events of kind `stage`), worked back by the rules' stageSeries.

import { DateTime } from 'luxon';
import { STAGES } from '../sop/audience.ts';
import { type Db, sql } from '../store/db.ts';
import { addDays, localDay } from './health-board.ts';
import { rollupZone } from './rollups.ts';
import { dauMau } from './rules/funnel.ts';
import { stageSeries } from './rules/stages.ts';

export interface DauDay {
  day: string;
  dau: number;
  mau: number;
  ratio: number;
}

/** Noon of a local day in the zone: an instant the rules read back as that day. */
const noonOf = (day: string, zone: string): Date => DateTime.fromISO(`${day}T12:00:00`, { zone }).toJSDate();

/** One group's DAU, MAU and their ratio for each of the last `days` local days, oldest first. */
export async function dauSeries(db: Db, groupId: string, opts: { now: Date; days?: number }): Promise<DauDay[]> {
  const zone = rollupZone();
  const n = opts.days ?? 30;
  const today = localDay(opts.now, zone);
  const first = addDays(today, -(n - 1));
  // Each member's active days from 29 days before the first day (its month) to today, as one text.
  const r = await sql<{ days: string }>`
    SELECT string_agg(d.day::text, ',') AS days FROM group_day_members d
    WHERE d.group_id = ${groupId} AND d.day BETWEEN ${addDays(first, -29)}::date AND ${today}::date
    GROUP BY d.member_id`.execute(db);
  const members = r.rows.map((x) => ({ activeAt: x.days.split(',').map((d) => noonOf(d, zone)) }));
  return Array.from({ length: n }, (_, i) => {
    const day = addDays(first, i);
    return { day, ...dauMau(members, noonOf(day, zone), zone) };
  });
}

/** The members of these groups now (bots left out), by stage at the end of each of the last `days` local days. */
export async function stageDistribution(db: Db, groupIds: readonly string[], opts: { now: Date; days?: number }): Promise<{ zone: string; stages: string[]; days: { day: string; counts: Record<string, number> }[] }> {
  const zone = rollupZone();
  const n = opts.days ?? 30;
  const today = localDay(opts.now, zone);
  const first = addDays(today, -(n - 1));
  const days = Array.from({ length: n }, (_, i) => addDays(first, i));
  const stages = [...STAGES];
  if (!groupIds.length) return { zone, stages, days: days.map((day) => ({ day, counts: Object.fromEntries(stages.map((s) => [s, 0])) })) };
  const mem = sql`
    sel AS (SELECT id FROM unnest(${[...new Set(groupIds)]}::text[]) AS s(id)),
    mem AS (
      SELECT DISTINCT m.member_id FROM memberships m JOIN sel ON sel.id = m.group_id
      WHERE m.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.member_id AND i.is_bot))`;
  // The moves since the first day began (in the zone), by local day.
  const start = DateTime.fromISO(`${first}T00:00:00`, { zone }).toJSDate().toISOString();
  const [current, moves] = await Promise.all([
    sql<{ stage: string; n: number }>`WITH ${mem} SELECT x.stage, count(*)::int AS n FROM members x JOIN mem ON mem.member_id = x.id GROUP BY x.stage`.execute(db),
    sql<{ day: string; from: string; to: string; n: number }>`
      WITH ${mem}
      SELECT (e.at AT TIME ZONE ${zone})::date::text AS day, e.detail->>'from' AS "from", e.detail->>'to' AS "to", count(*)::int AS n
      FROM member_events e JOIN mem ON mem.member_id = e.member_id
      WHERE e.kind = 'stage' AND e.at >= ${start}::timestamptz GROUP BY 1, 2, 3`.execute(db),
  ]);
  const now = Object.fromEntries(current.rows.map((x) => [x.stage, x.n]));
  return { zone, stages, days: stageSeries(now, moves.rows.map((m) => ({ day: m.day, from: m.from, to: m.to, count: m.n })), days, stages) };
}
