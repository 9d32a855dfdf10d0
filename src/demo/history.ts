// The demo run's past: a run whose anchor is two days ago has rows that were due before it was
// created. They are brought to the states a real week would have left them in, through the
// ledger's own transitions (moveRows, completeTask) with "demo" in every history note, so the
// board, the tasks and each row's history read like real operations: most posts sent a few
// seconds after their time, one that failed, one whose outcome is unknown, tasks done, done late
// or missed, and the most recent ones still open for the leaders.

import { completeTask, deadlineOf } from '../run/tasks.ts';
import { moveRows } from '../run/ledger.ts';
import type { Db } from '../store/db.ts';

export interface PastResult {
  sent: number;
  failed: number;
  unconfirmed: number;
  done: number;
  doneLate: number;
  missed: number;
  /** Past tasks left open: overdue ones the leaders still see at the top of their list. */
  open: number;
}

const MINUTE = 60_000;
const WORKER = 'demo-worker';
/** A task whose deadline passed less than this long ago may still be open (the sweep waits 24 h). */
const STILL_OPEN_MS = 12 * 60 * MINUTE;
/** As the sweep's default (src/run/sweep.ts): an open task becomes missed a day after its deadline. */
const MISSED_AFTER_MS = 24 * 60 * MINUTE;

interface PastRow {
  id: number;
  mode: string;
  dueAt: Date;
  windowMinutes: number;
  assignee: string | null;
}

async function pastRows(db: Db, runId: string, now: Date): Promise<PastRow[]> {
  const rows = await db
    .selectFrom('ledger')
    .select(['id', 'mode', 'due_at', 'window_minutes', 'assignee'])
    .where('run_id', '=', runId)
    .where('due_at', '<=', now)
    .where('state', 'in', ['planned', 'assigned'])
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), mode: r.mode, dueAt: new Date(r.due_at), windowMinutes: r.window_minutes, assignee: r.assignee }));
}

/**
 * Moves a run's rows that were due by `now` (planned bot rows, assigned tasks) to believable
 * outcomes. `rand` decides which, so the same seed gives the same week. The run should be paused
 * while this runs, so that no worker claims the same rows.
 */
export async function playPast(db: Db, runId: string, now: Date, rand: () => number): Promise<PastResult> {
  const rows = await pastRows(db, runId, now);
  const result: PastResult = { sent: 0, failed: 0, unconfirmed: 0, done: 0, doneLate: 0, missed: 0, open: 0 };
  await playBotRows(db, rows.filter((r) => r.mode === 'bot'), now, rand, result);
  await playTasks(db, rows.filter((r) => r.mode === 'human'), now, rand, result);
  return result;
}

async function playBotRows(db: Db, rows: PastRow[], now: Date, rand: () => number, result: PastResult): Promise<void> {
  const ids = rows.map((r) => r.id);
  const claimed = await moveRows(db, ids, { from: ['planned'], to: 'due', actor: WORKER, note: 'demo', set: { claimed_by: WORKER } });
  const sending = await moveRows(db, claimed, { from: ['due'], to: 'sending', actor: WORKER, note: 'demo', attempt: true });
  const inFlight = new Set(sending);
  // One failure and one unknown outcome at least, so "what needs me" has something to show.
  const failIndex = Math.floor(rand() * rows.length);
  const unknownIndex = (failIndex + 1 + Math.floor(rand() * Math.max(rows.length - 1, 1))) % Math.max(rows.length, 1);
  for (const [i, row] of rows.entries()) {
    if (!inFlight.has(row.id)) continue;
    const roll = rand();
    if (i === failIndex || roll < 0.03) {
      const moved = await moveRows(db, [row.id], {
        from: ['sending'],
        to: 'failed',
        actor: WORKER,
        note: 'demo',
        set: { claimed_by: null, last_error: 'The platform refused the message: the bot was muted by a group admin. Ask an admin of the group to unmute it, then plan the action again.' },
      });
      result.failed += moved.length;
    } else if (i === unknownIndex) {
      const moved = await moveRows(db, [row.id], {
        from: ['sending'],
        to: 'unconfirmed',
        actor: WORKER,
        note: 'demo',
        set: { claimed_by: null, last_error: 'The worker stopped while sending; check the group to see whether the message went out.' },
      });
      result.unconfirmed += moved.length;
    } else {
      const at = new Date(Math.min(row.dueAt.getTime() + (2 + Math.floor(rand() * 40)) * 1000, now.getTime()));
      const moved = await moveRows(db, [row.id], {
        from: ['sending'],
        to: 'sent',
        actor: WORKER,
        note: 'demo',
        set: { claimed_by: null, executed_by: 'bot', executed_at: at, on_time: at <= deadlineOf(row), platform_message_id: `sandbox-demo-${row.id}` },
      });
      result.sent += moved.length;
    }
  }
}

async function playTasks(db: Db, rows: PastRow[], now: Date, rand: () => number, result: PastResult): Promise<void> {
  const closed = rows.filter((r) => deadlineOf(r) <= now);
  result.open += rows.length - closed.length;
  const age = (r: PastRow) => now.getTime() - deadlineOf(r).getTime();
  // The sweep marks a task missed a day after its deadline; the demo's missed ones are from the
  // camp's first days (older tasks, before the camp, were all done). At least one of each outcome.
  const canMiss = (r: PastRow) => age(r) > MISSED_AFTER_MS && age(r) < 3 * MISSED_AFTER_MS;
  const missedIndex = closed.findLastIndex(canMiss);
  const lateIndex = closed.findLastIndex((_r, i) => i !== missedIndex);
  for (const [i, row] of closed.entries()) {
    const deadline = deadlineOf(row);
    const by = row.assignee ?? 'operator';
    const roll = rand();
    if (age(row) < STILL_OPEN_MS && roll < 0.5 && i !== lateIndex && i !== missedIndex) {
      result.open++;
    } else if (i === missedIndex || (i !== lateIndex && canMiss(row) && roll > 0.8)) {
      const moved = await moveRows(db, [row.id], { from: ['assigned'], to: 'missed', actor: 'sweep', note: 'demo: nobody marked it done in time' });
      result.missed += moved.length;
    } else if (i === lateIndex || roll > 0.65) {
      const at = new Date(Math.min(deadline.getTime() + (20 + Math.floor(rand() * 160)) * MINUTE, now.getTime()));
      count(result, await completeTask(db, row.id, by, { at, note: 'demo' }));
    } else {
      const at = new Date(row.dueAt.getTime() + Math.floor(rand() * row.windowMinutes * 0.8) * MINUTE);
      count(result, await completeTask(db, row.id, by, { at, note: 'demo' }));
    }
  }
}

function count(result: PastResult, done: { state: 'done' | 'done_late' }): void {
  if (done.state === 'done') result.done++;
  else result.doneLate++;
}
