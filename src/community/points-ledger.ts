// The points ledger's line and balance, without the timeline event: changePoints (points.ts) is
// this plus the `points` member event. Apart so that recordMemberEvent (events.ts), which gives
// the people rules' points (src/community/standing/), can write a line without an import cycle.

import { msg, type Msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';

export class PointsError extends Error {
  readonly text: Msg;
  constructor(text: Msg) {
    super(text.key);
    this.name = 'PointsError';
    this.text = text;
  }
}

export interface PointsChange {
  /** Positive to add, negative to spend. */
  delta: number;
  reason: string;
  /** The rule that gave them (a check-in rule), when not a person. */
  rule?: string;
  /** Who did it (an operator's name), when a person. */
  actor?: string;
  at?: Date;
  groupId?: string | null;
}

/** Moves the balance (never below 0) and appends the ledger line; returns the new balance. */
export async function movePoints(db: Db, memberId: string, change: PointsChange): Promise<number> {
  if (!Number.isSafeInteger(change.delta) || change.delta === 0) throw new PointsError(msg('points.badAmount'));
  if (!change.reason.trim()) throw new PointsError(msg('points.needsReason'));
  const at = change.at ?? new Date();
  const updated = await db
    .updateTable('members')
    .set((eb) => ({ points: eb('points', '+', change.delta) }))
    .where('id', '=', memberId)
    .where((eb) => eb(eb('points', '+', change.delta), '>=', 0))
    .returning('points')
    .executeTakeFirst();
  if (!updated) {
    const member = await db.selectFrom('members').select('points').where('id', '=', memberId).executeTakeFirst();
    if (!member) throw new PointsError(msg('points.noMember', { member: memberId }));
    throw new PointsError(msg('points.notEnough', { balance: member.points, amount: -change.delta }));
  }
  await db
    .insertInto('points_ledger')
    .values({ member_id: memberId, delta: change.delta, balance: updated.points, reason: change.reason.trim(), rule: change.rule ?? null, actor: change.actor ?? null, at })
    .execute();
  return updated.points;
}
