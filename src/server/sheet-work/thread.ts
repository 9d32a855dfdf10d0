// The worker thread's side: a message names a task and its arguments; the answer or the failure
// goes back with the same id. No state is kept between tasks.

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
