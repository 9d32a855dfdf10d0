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
import { refreshStanding, SETTINGS_KEY, STANDING_KINDS, type StandingRow, standingColumns } from './standing/apply.ts';


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

type Counter = 'messages' | 'replies' | 'checkins' | 'invites' | 'clicks' | 'orders' | 'join_requests' | 'joins' | 'answers';
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
  const counters = counterSet(e);
  const standing = STANDING_KINDS.has(e.kind);
  if (!counters) {
    await insertEvent(db, e);
    if (standing) await moveStanding(db, e);
    return;
  }
  // One statement: the event, the counters and (for the standing kinds) the member row the people
  // rules read, as the UPDATE returns it.
  const r = await sql<StandingRow>`
    WITH ev AS (
      INSERT INTO member_events (member_id, group_id, kind, at, detail)
      VALUES (${e.memberId}, ${e.groupId ?? null}, ${e.kind}, ${e.at.toISOString()}::timestamptz, ${JSON.stringify(e.detail ?? {})}::jsonb)),
    m AS (UPDATE members SET ${counters} WHERE id = ${e.memberId} RETURNING *)
    ${standing ? sql`SELECT ${standingColumns()} FROM m LEFT JOIN workspace_settings s ON s.key = ${SETTINGS_KEY}` : sql`SELECT 1 FROM m`}`.execute(db);
  if (standing) await moveStanding(db, e, { row: r.rows[0] });
}

async function insertEvent(db: Db, e: MemberEventInput): Promise<void> {
  await db
    .insertInto('member_events')
    .values({ member_id: e.memberId, group_id: e.groupId ?? null, kind: e.kind, at: e.at, detail: JSON.stringify(e.detail ?? {}) })
    .execute();
}

/** The standing part of recordMemberEvent, for a caller that wrote the event and counters itself (a batch). */
export async function moveStanding(db: Db, e: MemberEventInput, read?: { row: StandingRow | undefined }): Promise<void> {
  // The stage and level events are plain events (no counters, no standing of their own), so the
  // standing's UPDATE writes them in the same statement.
  const { moves, rewards, recorded } = await refreshStanding(db, e.memberId, e.at, { kind: e.kind, ...(e.detail ? { detail: e.detail } : {}) }, read, { groupId: e.groupId ?? null });
  if (!recorded) for (const m of moves) await recordMemberEvent(db, { memberId: e.memberId, groupId: e.groupId ?? null, kind: m.kind, at: e.at, detail: { from: m.from, to: m.to } });
  for (const r of rewards) {
    const reason = `people rules: ${r.rule.slice("standing.".length)}`;
    const balance = await movePoints(db, e.memberId, { delta: r.points, reason, rule: r.rule, at: e.at, groupId: e.groupId ?? null });
    await recordMemberEvent(db, { memberId: e.memberId, groupId: e.groupId ?? null, kind: 'points', at: e.at, detail: { delta: r.points, balance, reason, rule: r.rule } });
  }
}

/** The SET list that moves a member's counters for an event; undefined when the event moves none. */
function counterSet(e: MemberEventInput) {
  const counter = COUNTER[e.kind];
  // A reply to another member's question (ingest sets detail.question) is also an answer.
  const answer = e.kind === 'reply' && e.detail?.question === true;
  const active = ACTIVITY_KINDS.has(e.kind);
  if (!counter && !active) return undefined;
  const at = sql`${e.at.toISOString()}::timestamptz`;
  const parts = [
    ...(counter ? [sql`${sql.ref(counter)} = ${sql.ref(counter)} + 1`] : []),
    ...(answer ? [sql`answers = answers + 1`] : []),
    ...(active
      ? [
          sql`active_weeks = active_weeks + CASE WHEN last_active_at IS NULL OR date_trunc('week', last_active_at) < date_trunc('week', ${at}) THEN 1 ELSE 0 END`,
          sql`last_active_at = greatest(coalesce(last_active_at, ${at}), ${at})`,
        ]
      : []),
  ];
  return sql.join(parts, sql`, `);
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
