// Growth's part of the periodic sweep, called beside the run sweep (src/run/sweep.ts) by
// `chorus serve` and `chorus worker`: live-code QR codes renewed before they expire (or their
// owner reminded), and groups the platform created for a live code adopted (a creation whose event
// never came); campaigns past their end ended, pending invites qualified after their stay
// (completers rewarded), poster screenshots a leader reviewed settled, leaderboards posted.
// Closing lead groups are taken out of their live codes (lifecycle).
// Idempotent: each renewal or reminder is claimed in its live-code slot, a group is adopted once,
// each qualification and completion is claimed by a conditional UPDATE.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { postBoards } from './campaign-bot.ts';
import { settleReviews } from './campaign-poster.ts';
import { qualifyDue } from './campaign-qualify.ts';
import { releaseClosingGroups } from './lifecycle-seats.ts';
import { adoptCreatedGroups } from './livecode-adopt.ts';
import { renewExpiringQrs } from './livecode-tasks.ts';

export interface GrowthSweepResult {
  qrRenewed: number;
  qrTasks: number;
  /** Groups platforms created for live codes, added to them. */
  adopted: number;
  // Campaigns.
  qualified: number;
  leftEarly: number;
  completed: number;
  boards: number;
  reviewed: number;
  /** lifecycle: live-code slots of closing lead groups released. */
  seatsReleased: number;
}

export async function growthSweep(db: Db, now = new Date()): Promise<GrowthSweepResult> {
  // Closing lead groups first, so no QR renewal is asked for a group about to close.
  const seatsReleased = await releaseClosingGroups(db, now);
  const adopted = await adoptCreatedGroups(db, now);
  const qr = await renewExpiringQrs(db, now);
  // Campaigns: what stayed long enough before the end counts, then the campaign ends.
  const q = await db.transaction().execute((trx) => qualifyDue(trx, now));
  const reviewed = await db.transaction().execute((trx) => settleReviews(trx, now));
  await sql`UPDATE campaigns SET state = 'ended' WHERE state <> 'ended' AND until IS NOT NULL AND until <= ${now.toISOString()}::timestamptz`.execute(db);
  const boards = await db.transaction().execute((trx) => postBoards(trx, now));
  return { qrRenewed: qr.renewed, qrTasks: qr.tasks, adopted, qualified: q.qualified, leftEarly: q.rejected, completed: q.completed, boards, reviewed, seatsReleased };
}
