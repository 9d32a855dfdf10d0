// Lint, plan and import for the API run in worker threads, so a large sheet never stalls the
// event loop (health checks, sign-ins and webhooks keep their answers in milliseconds). A small
// pool: one thread per spare core (at least one, at most four), started on first use, each
// doing one task at a time; a task that runs past its time limit has its thread ended and
// replaced, and fails with SheetWorkTimeout. Idle threads do not keep the process alive.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnswerMessage, TaskMessage } from './thread.ts';
import { fromFailure, type TaskAnswer, type TaskArgs, type TaskName } from './tasks.ts';

/** Far above what the largest allowed sheet takes (well under a second); only a runaway task hits it. */
export const TASK_TIME_LIMIT_MS = 30_000;

export class SheetWorkTimeout extends Error {
  constructor(
    readonly task: TaskName,
    readonly limitMs: number,
  ) {
    super(`the ${task} took longer than ${limitMs / 1000} seconds and was stopped`);
    this.name = 'SheetWorkTimeout';
  }
}

interface Job {
  id: number;
  task: TaskName;
  args: unknown;
  timeLimitMs: number;
  resolve(value: unknown): void;
  reject(e: Error): void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const BOOT = new URL('./boot.mjs', import.meta.url);

export class SheetPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1)),
    private readonly timeLimitMs = TASK_TIME_LIMIT_MS,
    /** The thread's entry; tests give a broken one. */
    private readonly entry: URL = BOOT,
  ) {}

  run<T extends TaskName>(task: T, args: TaskArgs<T>, opts: { timeLimitMs?: number } = {}): Promise<TaskAnswer<T>> {
    if (this.closed) return Promise.reject(new Error('the sheet worker pool is closed'));
    return new Promise<TaskAnswer<T>>((resolve, reject) => {
      const timeLimitMs = opts.timeLimitMs ?? this.timeLimitMs;
      this.queue.push({ id: this.nextId++, task, args, timeLimitMs, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Starts the threads now rather than on the first task (a thread's first start takes seconds). */
  warm(): void {
    while (!this.closed && this.threads.length < this.size) this.spawn();
  }

  /** Ends every thread; queued and running tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the sheet worker pool was closed'));
    await Promise.all(this.threads.splice(0).map((t) => this.end(t, new Error('the sheet worker pool was closed'))));
  }

  private pump(): void {
    while (this.queue.length) {
      let thread = this.threads.find((t) => t.ready && !t.job);
      if (!thread) {
        if (this.threads.length < this.size) this.spawn();
        return;
      }
      this.assign(thread, this.queue.shift()!);
      thread = undefined;
    }
  }

  private spawn(): void {
    const thread: Thread = { worker: new Worker(this.entry), ready: false };
    const { worker } = thread;
    worker.on('message', (m: AnswerMessage | { ready: true }) => {
      if ('ready' in m) {
        thread.ready = true;
        this.pump();
        return;
      }
      const job = thread.job;
      if (!job || job.id !== m.id) return;
      this.release(thread);
      if (m.ok) job.resolve(m.value);
      else job.reject(fromFailure(m.failure));
      this.pump();
    });
    worker.on('error', (e) => this.lose(thread, e));
    worker.on('exit', (code) => this.lose(thread, new Error(`the sheet worker stopped (exit code ${code})`)));
    // After the listeners: adding a 'message' listener refs the thread's port again, and an idle
    // pool must not keep the process alive (a closed server's, a bench's).
    worker.unref();
    this.threads.push(thread);
  }

  private assign(thread: Thread, job: Job): void {
    thread.job = job;
    // Busy threads keep the process alive until they answer.
    thread.worker.ref();
    thread.timer = setTimeout(() => {
      const timeout = new SheetWorkTimeout(job.task, job.timeLimitMs);
      void this.end(thread, timeout);
    }, job.timeLimitMs);
    thread.timer.unref();
    const message: TaskMessage = { id: job.id, task: job.task, args: job.args };
    thread.worker.postMessage(message);
  }

  private release(thread: Thread): void {
    clearTimeout(thread.timer);
    thread.job = undefined;
    thread.timer = undefined;
    thread.worker.unref();
  }

  /** A thread that failed or exited: its task fails, the thread is replaced when work is waiting. */
  private lose(thread: Thread, e: Error): void {
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    this.threads.splice(i, 1);
    const job = thread.job;
    this.release(thread);
    job?.reject(e);
    if (!thread.ready) {
      // It could not even start (a broken install, no memory): fail what waits instead of
      // starting threads in a loop; the next task tries again.
      for (const waiting of this.queue.splice(0)) waiting.reject(e);
      return;
    }
    if (!this.closed) this.pump();
  }

  private async end(thread: Thread, e: Error): Promise<void> {
    this.lose(thread, e);
    await thread.worker.terminate();
  }
}

let shared: SheetPool | undefined;

/** The process's pool (one for all apps in the process). */
export function sheetPool(): SheetPool {
  shared ??= new SheetPool();
  return shared;
}
