// The points ledger: every change is a line (who, why, which rule), append-only, and the
// member's balance moves with it in one statement that refuses to go below zero. A manual add or
// spend (the CLI, the console) and a rule (check-in +N, src/community/standing/) both come here.

import type { Db } from '../store/db.ts';
import { recordMemberEvent } from './events.ts';
import { movePoints, type PointsChange } from './points-ledger.ts';

export { PointsError, type PointsChange } from './points-ledger.ts';

/** Adds or spends points; returns the new balance. Spending more than the balance is refused. */
export async function changePoints(db: Db, memberId: string, change: PointsChange): Promise<number> {
  const at = change.at ?? new Date();
  const balance = await movePoints(db, memberId, { ...change, at });
  await recordMemberEvent(db, {
    memberId,
    groupId: change.groupId ?? null,
    kind: 'points',
    at,
    detail: { delta: change.delta, balance, reason: change.reason.trim(), ...(change.rule ? { rule: change.rule } : {}) },
  });
  return balance;
}
