// What the API and the CLI show about a group's check-ins: each window with its rate, and one
// window in detail (who checked in, who did not, each member's streaks over that step's windows).
// The figures are decided in checkin-stats.ts (pure); this file reads them from the store.

import { type Db, sql } from '../store/db.ts';
import { memberStreak, type MemberStreak, overallRate, rateOf, type WindowFacts, type WindowRate } from './checkin-stats.ts';

export interface CheckinSummary extends WindowRate {
  id: number;
  run: string;
  step: string;
  occurrence: number;
  /** When the window opened (the post went out), ISO. */
  at: string;
  closesAt: string | null;
  closed: boolean;
}

interface SummaryRaw {
  id: number | string;
  run_id: string;
  step_id: string;
  occurrence: number;
  opens_at: Date | string;
  closes_at: Date | string | null;
  closed: boolean;
  present: number | string;
  marked: number | string;
  marked_late: number | string;
}

/** A person of the group (not a bot, not forgotten) in it at `at`: SQL over `ms` (memberships) and `at`. */
const inGroupAt = (at: ReturnType<typeof sql>) => sql`ms.joined_at <= ${at} AND (ms.left_at IS NULL OR ms.left_at > ${at})
  AND NOT EXISTS (SELECT 1 FROM member_identities b WHERE b.member_id = ms.member_id AND b.is_bot)
  AND NOT EXISTS (SELECT 1 FROM members f WHERE f.id = ms.member_id AND f.forgotten_at IS NOT NULL)`;

/** Windows with their figures, oldest first, chosen by `where` (SQL over `c`, the checkins). */
async function windowsWhere(db: Db, where: ReturnType<typeof sql>): Promise<(CheckinSummary & { group: string })[]> {
  const r = await sql<SummaryRaw & { group_id: string }>`
    SELECT c.id, c.run_id, c.group_id, c.step_id, c.occurrence, c.opens_at, c.closes_at, c.closed,
      (SELECT count(DISTINCT ms.member_id) FROM memberships ms WHERE ms.group_id = c.group_id AND ${inGroupAt(sql`c.opens_at`)}) AS present,
      (SELECT count(*) FROM checkin_marks k WHERE k.checkin_id = c.id) AS marked,
      (SELECT count(*) FROM checkin_marks k WHERE k.checkin_id = c.id
         AND NOT EXISTS (SELECT 1 FROM memberships ms WHERE ms.group_id = c.group_id AND ms.member_id = k.member_id AND ${inGroupAt(sql`c.opens_at`)})) AS marked_late
    FROM checkins c
    WHERE ${where}
    ORDER BY c.opens_at, c.id`.execute(db);
  return r.rows.map((x) => ({
    id: Number(x.id),
    run: x.run_id,
    group: x.group_id,
    step: x.step_id,
    occurrence: x.occurrence,
    at: new Date(x.opens_at).toISOString(),
    closesAt: x.closes_at ? new Date(x.closes_at).toISOString() : null,
    closed: x.closed,
    ...rateOf({ present: Number(x.present), marked: Number(x.marked), markedLate: Number(x.marked_late) }),
  }));
}

/** The group's check-in windows, oldest first, with their rates; `overall` over all of them. */
export async function groupCheckins(db: Db, groupId: string, opts: { run?: string } = {}): Promise<{ checkins: CheckinSummary[]; overall: WindowRate }> {
  const rows = await windowsWhere(db, sql`c.group_id = ${groupId} ${opts.run ? sql`AND c.run_id = ${opts.run}` : sql``}`);
  const checkins = rows.map(({ group: _g, ...c }) => c);
  return { checkins, overall: overallRate(checkins) };
}

export interface RunGroupCheckins extends WindowRate {
  group: string;
  windows: number;
}

/** A run's check-ins (the run board): each window with its group, and each group's overall rate. */
export async function runCheckins(
  db: Db,
  runId: string,
  groupIds?: readonly string[],
): Promise<{ checkins: (CheckinSummary & { group: string })[]; groups: RunGroupCheckins[]; overall: WindowRate }> {
  if (groupIds && !groupIds.length) return { checkins: [], groups: [], overall: overallRate([]) };
  const checkins = await windowsWhere(db, sql`c.run_id = ${runId} ${groupIds ? sql`AND c.group_id = ANY(${[...groupIds]}::text[])` : sql``}`);
  const per = new Map<string, WindowRate[]>();
  for (const c of checkins) per.set(c.group, [...(per.get(c.group) ?? []), c]);
  const groups = [...per].map(([group, list]) => ({ group, windows: list.length, ...overallRate(list) }));
  return { checkins, groups, overall: overallRate(checkins) };
}

export interface CheckinPerson extends MemberStreak {
  member: string;
  name: string;
  /** When they checked in to this window; null when they did not. */
  checkedInAt: string | null;
}

export interface CheckinDetail extends CheckinSummary {
  keywords: string[];
  did: CheckinPerson[];
  didNot: CheckinPerson[];
}

/** One window of the group in detail; undefined when the group has no such window. */
export async function checkinDetail(db: Db, groupId: string, checkinId: number): Promise<CheckinDetail | undefined> {
  const w = await db.selectFrom('checkins').selectAll().where('id', '=', checkinId).where('group_id', '=', groupId).executeTakeFirst();
  if (!w) return undefined;
  const windows = await db
    .selectFrom('checkins')
    .select(['id', 'opens_at', 'closed'])
    .where('group_id', '=', groupId)
    .where('run_id', '=', w.run_id)
    .where('step_id', '=', w.step_id)
    .orderBy('opens_at')
    .execute();
  const ids = windows.map((x) => Number(x.id));
  const marks = await db.selectFrom('checkin_marks').select(['checkin_id', 'member_id', 'at']).where('checkin_id', 'in', ids).execute();
  const stays = await sql<{ member_id: string; name: string; joined_at: Date | string; left_at: Date | string | null }>`
    SELECT ms.member_id, m.name, ms.joined_at, ms.left_at FROM memberships ms JOIN members m ON m.id = ms.member_id
    WHERE ms.group_id = ${groupId} AND m.forgotten_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM member_identities b WHERE b.member_id = ms.member_id AND b.is_bot)`.execute(db);
  const names = new Map<string, string>();
  for (const s of stays.rows) names.set(s.member_id, s.name);
  const facts: WindowFacts[] = windows.map((x) => {
    const at = new Date(x.opens_at).getTime();
    const present = new Set(
      stays.rows.filter((s) => new Date(s.joined_at).getTime() <= at && (s.left_at === null || new Date(s.left_at).getTime() > at)).map((s) => s.member_id),
    );
    const marked = new Set(marks.filter((k) => Number(k.checkin_id) === Number(x.id)).map((k) => k.member_id));
    return { id: Number(x.id), opensAt: new Date(x.opens_at), closed: x.closed, present, marked };
  });
  const me = facts.find((f) => f.id === checkinId)!;
  const summary = (await groupCheckins(db, groupId, { run: w.run_id })).checkins.find((c) => c.id === checkinId)!;
  const markAt = new Map(marks.filter((k) => Number(k.checkin_id) === checkinId).map((k) => [k.member_id, new Date(k.at).toISOString()]));
  const person = (id: string): CheckinPerson => ({ member: id, name: names.get(id) ?? id, checkedInAt: markAt.get(id) ?? null, ...memberStreak(facts, id) });
  const everyone = [...new Set([...me.present, ...me.marked])];
  const byName = (a: CheckinPerson, b: CheckinPerson) => a.name.localeCompare(b.name) || a.member.localeCompare(b.member);
  return {
    ...summary,
    keywords: w.keyword.split('\n').filter(Boolean),
    did: everyone.filter((id) => me.marked.has(id)).map(person).sort(byName),
    didNot: everyone.filter((id) => !me.marked.has(id)).map(person).sort(byName),
  };
}
