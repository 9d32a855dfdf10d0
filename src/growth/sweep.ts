// Growth's part of the periodic sweep, called beside the run sweep (src/run/sweep.ts) by
// `chorus serve` and `chorus worker`: live-code QR codes renewed before they expire (or their
// owner reminded), and groups the platform created for a live code adopted (a creation whose event
// never came). Idempotent: each renewal or reminder is claimed in its live-code slot; a group is
// adopted once.

import type { Db } from '../store/db.ts';
import { adoptCreatedGroups } from './livecode-adopt.ts';
import { renewExpiringQrs } from './livecode-tasks.ts';

export interface GrowthSweepResult {
  qrRenewed: number;
  qrTasks: number;
  /** Groups platforms created for live codes, added to them. */
  adopted: number;
}

export async function growthSweep(db: Db, now = new Date()): Promise<GrowthSweepResult> {
  const adopted = await adoptCreatedGroups(db, now);
  const qr = await renewExpiringQrs(db, now);
  return { qrRenewed: qr.renewed, qrTasks: qr.tasks, adopted };
}
