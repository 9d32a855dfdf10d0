// The worker thread's side: a message names a task and its arguments; the answer or the failure
// goes back with the same id. No state is kept between tasks.

import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskName, toFailure } from './tasks.ts';

export interface TaskMessage {
  id: number;
  task: TaskName;
  args: unknown;
}

export type AnswerMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; failure: ReturnType<typeof toFailure> };

const port = parentPort;
if (!port) throw new Error('thread.ts runs inside a worker thread');

// On Linux a priority set with pid 0 is this thread's alone: when cores are scarce, the event
// loop (health checks, sign-ins, webhooks) goes first and a long lint waits. Lowering needs no
// privilege; where it is not supported the thread keeps the normal priority.
try {
  setPriority(0, 10);
} catch {
  // not supported here
}

port.on('message', async (m: TaskMessage) => {
  let answer: AnswerMessage;
  try {
    // The task table is typed by name; the arguments were typed by the caller (pool.ts).
    const run = TASKS[m.task] as (args: unknown) => unknown;
    answer = { id: m.id, ok: true, value: await run(m.args) };
  } catch (e) {
    answer = { id: m.id, ok: false, failure: toFailure(e) };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true });
