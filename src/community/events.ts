// The member timeline: everything that happened to or by a member, one row per event in
// `member_events`, and the counters on `members` that lists and selectors read (messages,
// check-ins, invites, clicks, orders, distinct active weeks, last active). Ingest, check-ins,
// orders, points, tags and roles record here; the stage and level rules read the same events.
//
// Counters move with the event in the same transaction as whatever recorded it. `active_weeks`
// counts a new week when an activity falls in a later calendar week (Monday first) than the last
// one — an old event delivered late neither counts twice nor moves `last_active_at` back.

import type { MemberEventKind } from '../sop/audience.ts';
import { type Db, sql } from '../store/db.ts';
import { movePoints } from './points-ledger.ts';
import { COUNTER_COLUMNS, type CounterColumn, type CounterValues, refreshStandings, SETTINGS_KEY, STANDING_KINDS, type StandingRow, standingColumns } from './standing/apply.ts';


export { MEMBER_EVENT_KINDS, type MemberEventKind } from '../sop/audience.ts';

/** Kinds that show the member is active (they move `last_active_at` and `active_weeks`). */
export const ACTIVITY_KINDS: ReadonlySet<MemberEventKind> = new Set(['message', 'reply', 'checkin', 'click', 'answer', 'invite']);

export interface MemberEventInput {
  memberId: string;
  groupId?: string | null;
  kind: MemberEventKind;
  at: Date;
  detail?: Record<string, unknown>;
}

/** The counters an event kind moves by one (active_weeks moves by week). */
type Counter = Exclude<CounterColumn, 'active_weeks'>;
const COUNTER: Partial<Record<MemberEventKind, Counter>> = {
  join_request: 'join_requests',
  join: 'joins',
  message: 'messages',
  reply: 'replies',
  checkin: 'checkins',
  invite: 'invites',
  click: 'clicks',
  order: 'orders',
};

/**
 * Records one event, moves the member's counters and then their standing (the people rules,
 * src/community/standing/): the stage or level it moves is recorded as a `stage` / `level` event,
 * the points its rules give go to the ledger — all in the caller's transaction.
 */
export async function recordMemberEvent(db: Db, e: MemberEventInput): Promise<void> {
  await recordMemberEvents(db, [e]);
}

/**
 * recordMemberEvent for many events (a burst): when each is of a different member, one statement
 * writes the events and moves every counter, returning the member rows the people rules read, and
 * the standings move together (refreshStandings). Where a member comes again the events are split
 * there, as each event's standing depends on the one before.
 */
export async function recordMemberEvents(db: Db, events: readonly MemberEventInput[]): Promise<void> {
  if (!events.length) return;
  // Split where a member comes again: the later event waits for the standing of the earlier one.
  const again = events.findIndex((e, i) => events.findIndex((x) => x.memberId === e.memberId) < i);
  if (again > 0) {
    await recordMemberEvents(db, events.slice(0, again));
    await recordMemberEvents(db, events.slice(again));
    return;
  }
  const values = events.map((e, ord) => ({
    ord,
    member_id: e.memberId,
    group_id: e.groupId ?? null,
    kind: e.kind,
    at: e.at.toISOString(),
    detail: e.detail ?? {},
    counted: counted(e),
  }));
  // One statement: the events written, and the member rows the people rules read, locked for the
  // one write that follows — the counters moved here (countersAfter) and the standing, together.
  // Whether an activity opens a new calendar week is read in the same statement, by the database's
  // own week.
  const r = await sql<StandingRow & { ord: number; new_week: boolean }>`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
        AS v(ord int, member_id text, group_id text, kind text, at timestamptz, detail jsonb, counted boolean)),
    ev AS (INSERT INTO member_events (member_id, group_id, kind, at, detail) SELECT member_id, group_id, kind, at, detail FROM v ORDER BY ord)
    SELECT v.ord, ${standingColumns()},
      (m.last_active_at IS NULL OR date_trunc('week', m.last_active_at) < date_trunc('week', v.at)) AS new_week
    FROM v JOIN members m ON m.id = v.member_id LEFT JOIN workspace_settings s ON s.key = ${SETTINGS_KEY}
    WHERE v.counted
    FOR UPDATE OF m`.execute(db);
  const read = new Map(r.rows.map((row) => [Number(row.ord), row]));
  const standing = events.flatMap((e, i) => {
    if (!values[i]?.counted) return STANDING_KINDS.has(e.kind) ? [{ e }] : [];
    const row = read.get(i);
    if (!row) return [{ e, read: { row: undefined } }];
    const moved = countersAfter(row, e, row.new_week);
    return [{ e, read: { row: moved.row }, counters: moved.counters }];
  });
  await moveStandings(db, standing);
}

/**
 * A member's row after an event moved its counters (pure): its counter by one, a reply to another
 * member's question (ingest sets detail.question) is also an answer, and an activity moves
 * last_active_at forward and, when it falls in a later calendar week (`newWeek`, read by the
 * database), active_weeks.
 */
export function countersAfter<R extends StandingRow>(row: R, e: MemberEventInput, newWeek: boolean): { row: R; counters: CounterValues } {
  const active = ACTIVITY_KINDS.has(e.kind);
  const last = row.last_active_at === null ? null : new Date(row.last_active_at);
  const lastActive = active ? new Date(Math.max(last?.getTime() ?? e.at.getTime(), e.at.getTime())) : last;
  const counters = { last_active_at: lastActive ? lastActive.toISOString() : null } as CounterValues;
  for (const c of COUNTER_COLUMNS) counters[c] = Number(row[c]) + (COUNTER[e.kind] === c ? 1 : 0);
  if (e.kind === 'reply' && String(e.detail?.question ?? '') === 'true') counters.answers++;
  if (active && newWeek) counters.active_weeks++;
  return { row: { ...row, ...counters }, counters };
}

/** The standing part of recordMemberEvent, for a caller that wrote the event and counters itself (a batch). */
export async function moveStanding(db: Db, e: MemberEventInput, read?: { row: StandingRow | undefined }): Promise<void> {
  await moveStandings(db, [{ e, read }]);
}

async function moveStandings(db: Db, seen: readonly { e: MemberEventInput; read?: { row: StandingRow | undefined }; counters?: CounterValues }[]): Promise<void> {
  if (!seen.length) return;
  // The stage and level events are plain events (no counters, no standing of their own), so the
  // standing's UPDATE writes them in the same statement.
  const refreshed = await refreshStandings(
    db,
    seen.map(({ e, read, counters }) => ({
      memberId: e.memberId,
      at: e.at,
      event: { kind: e.kind, ...(e.detail ? { detail: e.detail } : {}) },
      ...(read ? { read } : {}),
      ...(counters ? { counters } : {}),
      record: { groupId: e.groupId ?? null },
    })),
  );
  for (const [i, { moves, rewards, recorded }] of refreshed.entries()) {
    const e = (seen[i] as (typeof seen)[number]).e;
    if (!recorded) for (const m of moves) await recordMemberEvent(db, { memberId: e.memberId, groupId: e.groupId ?? null, kind: m.kind, at: e.at, detail: { from: m.from, to: m.to } });
    for (const r of rewards) {
      const reason = `people rules: ${r.rule.slice('standing.'.length)}`;
      const balance = await movePoints(db, e.memberId, { delta: r.points, reason, rule: r.rule, at: e.at, groupId: e.groupId ?? null });
      await recordMemberEvent(db, { memberId: e.memberId, groupId: e.groupId ?? null, kind: 'points', at: e.at, detail: { delta: r.points, balance, reason, rule: r.rule } });
    }
  }
}

/** Whether an event moves any of the member's counters. */
function counted(e: MemberEventInput): boolean {
  return COUNTER[e.kind] !== undefined || ACTIVITY_KINDS.has(e.kind);
}



export interface TimelineEntry {
  at: Date;
  kind: string;
  group: string | null;
  detail: Record<string, unknown>;
}

/** A member's events, newest first. */
export async function memberTimeline(db: Db, memberId: string, limit = 200): Promise<TimelineEntry[]> {
  const rows = await db
    .selectFrom('member_events')
    .select(['at', 'kind', 'group_id', 'detail'])
    .where('member_id', '=', memberId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at),
    kind: r.kind,
    group: r.group_id,
    detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  }));
}
