// Growth's part of the periodic sweep, called beside the run sweep (src/run/sweep.ts) by
// `chorus serve` and `chorus worker`: live-code QR codes renewed before they expire (or their
// owner reminded). Idempotent: each renewal or reminder is claimed in its live-code slot.

import type { Db } from '../store/db.ts';
import { renewExpiringQrs } from './livecode-tasks.ts';

export interface GrowthSweepResult {
  qrRenewed: number;
  qrTasks: number;
}

export async function growthSweep(db: Db, now = new Date()): Promise<GrowthSweepResult> {
  const qr = await renewExpiringQrs(db, now);
  return { qrRenewed: qr.renewed, qrTasks: qr.tasks };
}
