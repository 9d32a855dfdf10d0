// Durable wake-ups on pg-boss. The ledger is the truth about what is due; pg-boss makes sure a
// worker — on any machine, after any restart — is woken when something becomes due: at each
// distinct due instant of a run, at each retry time, and for the periodic sweep (reminders,
// missed tasks, WeCom confirmations), which runs on one worker at a time.

import { createHash } from 'node:crypto';
import type { Queue } from './queue.ts';

export const DUE_QUEUE = 'chorus-due';
export const SWEEP_QUEUE = 'chorus-sweep';

/** pg-boss job ids are uuids; one derived from the key makes sending the same key twice insert one job. */
function uuidFor(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One wake-up job per distinct future instant. Returns how many instants were scheduled. */
export async function scheduleWakeUps(queue: Queue, instants: Iterable<Date>, now = Date.now()): Promise<number> {
  const distinct = new Set<number>();
  for (const at of instants) if (at.getTime() > now) distinct.add(at.getTime());
  for (const ms of distinct) {
    await queue.send(DUE_QUEUE, { at: new Date(ms).toISOString() }, { startAfter: new Date(ms), id: uuidFor(`due:${ms}`), retryLimit: 0, expireInSeconds: 60 });
  }
  return distinct.size;
}

async function scheduleNextSweep(queue: Queue, everySeconds: number, now = Date.now()): Promise<void> {
  const period = everySeconds * 1000;
  const slot = Math.floor(now / period) * period + period;
  await queue.send(SWEEP_QUEUE, { slot }, { startAfter: new Date(slot), id: uuidFor(`sweep:${slot}`), retryLimit: 0, expireInSeconds: 10 * 60 });
}

/**
 * Subscribes a worker to the wake-ups, and keeps the sweep going: each sweep job schedules the
 * next slot (the slot's job id is fixed, so several workers schedule it once, and one runs it).
 */
export async function startTimers(queue: Queue, worker: { wake(): void }, opts: { sweep?: () => Promise<void>; sweepEverySeconds?: number } = {}): Promise<void> {
  await queue.work(DUE_QUEUE, async () => worker.wake(), { batchSize: 50 });
  const sweep = opts.sweep;
  if (!sweep) return;
  const every = opts.sweepEverySeconds ?? 15;
  await queue.work(SWEEP_QUEUE, async () => {
    try {
      await sweep();
    } finally {
      await scheduleNextSweep(queue, every);
    }
  });
  await scheduleNextSweep(queue, every);
}
