// Closing check-in windows: when a window's time is up, it is marked closed and, in the same
// transaction, `on: checkin_missed` steps are planned for each member present at the close (in
// the group then, not a bot) who did not check in. The conditional UPDATE (closed = false) claims
// the window, so two sweeps at once, or a sweep repeated after a crash, fire it exactly once.
// The sweep runs it (src/run/sweep.ts) every 15 s; windows close at most that late.

import { openPendingCheckins } from '../community/checkins.ts';
import { type Db, sql } from '../store/db.ts';
import { onMemberEvent, type TriggerDeps } from './triggers.ts';

export interface CheckinCloseResult {
  opened: number;
  closed: number;
  /** Ledger rows planned by `checkin_missed` steps. */
  planned: number;
}

/** Who was in the group at `at` and did not check in to the window (with their id on the group's platform). */
async function missedBy(db: Db, checkinId: number, groupId: string, at: Date) {
  const r = await sql<{ id: string; name: string; external_id: string }>`
    SELECT m.id, m.name, i.external_id FROM memberships ms
    JOIN members m ON m.id = ms.member_id
    JOIN groups g ON g.id = ms.group_id
    JOIN member_identities i ON i.member_id = m.id AND i.channel_id = g.channel_id
    WHERE ms.group_id = ${groupId} AND ms.joined_at <= ${at.toISOString()}::timestamptz
      AND (ms.left_at IS NULL OR ms.left_at > ${at.toISOString()}::timestamptz)
      AND m.forgotten_at IS NULL AND NOT i.is_bot
      AND NOT EXISTS (SELECT 1 FROM member_identities b WHERE b.member_id = m.id AND b.is_bot)
      AND NOT EXISTS (SELECT 1 FROM checkin_marks k WHERE k.checkin_id = ${checkinId} AND k.member_id = m.id)
    ORDER BY m.id`.execute(db);
  // One row per member even when they have two identities on the channel.
  const seen = new Set<string>();
  return r.rows.filter((x) => !seen.has(x.id) && seen.add(x.id));
}

/** Closes one window and fires its `checkin_missed`; false when it was closed already. */
export async function closeCheckin(deps: TriggerDeps, checkinId: number): Promise<{ closed: boolean; planned: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const w = await trx
      .updateTable('checkins')
      .set({ closed: true })
      .where('id', '=', checkinId)
      .where('closed', '=', false)
      .returning(['id', 'group_id', 'closes_at', 'opens_at'])
      .executeTakeFirst();
    if (!w) return { closed: false, planned: 0 };
    const at = new Date(w.closes_at ?? w.opens_at);
    let planned = 0;
    for (const m of await missedBy(trx, checkinId, w.group_id, at)) {
      planned += await onMemberEvent(
        { db: trx, ...(deps.log ? { log: deps.log } : {}), ...(deps.capabilities ? { capabilities: deps.capabilities } : {}) },
        { groupId: w.group_id, member: { id: m.id, externalId: m.external_id, name: m.name }, event: 'checkin_missed', at, occurrence: checkinId },
      );
    }
    return { closed: true, planned };
  });
}

/** Opens windows the send paths missed, then closes those whose time is up. */
export async function sweepCheckins(deps: TriggerDeps, now: Date, batch = 200): Promise<CheckinCloseResult> {
  const result: CheckinCloseResult = { opened: await openPendingCheckins(deps.db, now), closed: 0, planned: 0 };
  const due = await deps.db
    .selectFrom('checkins')
    .select('id')
    .where('closed', '=', false)
    .where('closes_at', '<=', now)
    .orderBy('closes_at')
    .limit(batch)
    .execute();
  for (const { id } of due) {
    const r = await closeCheckin(deps, Number(id));
    if (r.closed) result.closed++;
    result.planned += r.planned;
  }
  if (result.planned) deps.wake?.();
  return result;
}
