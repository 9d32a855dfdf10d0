// Growth's part of the periodic sweep, called beside the run sweep (src/run/sweep.ts) by
// `chorus serve` and `chorus worker`: live-code QR codes renewed before they expire (or their
// owner reminded), and closing lead groups taken out of their live codes. Idempotent: each renewal
// or reminder is claimed in its live-code slot.

import type { Db } from '../store/db.ts';
import { releaseClosingGroups } from './lifecycle-seats.ts';
import { renewExpiringQrs } from './livecode-tasks.ts';

export interface GrowthSweepResult {
  qrRenewed: number;
  qrTasks: number;
  /** lifecycle: live-code slots of closing lead groups released. */
  seatsReleased: number;
}

export async function growthSweep(db: Db, now = new Date()): Promise<GrowthSweepResult> {
  // Closing groups first, so no QR renewal is asked for a group about to close.
  const seatsReleased = await releaseClosingGroups(db, now);
  const qr = await renewExpiringQrs(db, now);
  return { qrRenewed: qr.renewed, qrTasks: qr.tasks, seatsReleased };
}
