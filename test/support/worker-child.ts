// Starts `worker-process.ts` as a child process and waits for its "started" line: for tests that
// SIGKILL a worker in the middle of a send, or run several workers against one database.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerChild {
  id: string;
  pid: number;
  /** Everything the worker logged, for a failing test's message. */
  log(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait: the worker puts back what it holds and closes its database. */
  stop(): Promise<void>;
}

export type WorkerDatabase = { databaseUrl: string; schema: string } | { dataDir: string };

export async function startWorkerProcess(
  database: WorkerDatabase,
  opts: { id?: string; batch?: number; heartbeatMs?: number; staleAfterMs?: number; retryBaseMs?: number; startTimeoutMs?: number } = {},
): Promise<WorkerChild> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...('databaseUrl' in database
      ? { CHORUS_WORKER_DATABASE_URL: database.databaseUrl, CHORUS_WORKER_SCHEMA: database.schema }
      : { CHORUS_WORKER_DATA_DIR: database.dataDir }),
    ...(opts.id ? { CHORUS_WORKER_ID: opts.id } : {}),
    ...(opts.batch ? { CHORUS_WORKER_BATCH: String(opts.batch) } : {}),
    ...(opts.heartbeatMs ? { CHORUS_WORKER_HEARTBEAT_MS: String(opts.heartbeatMs) } : {}),
    ...(opts.staleAfterMs ? { CHORUS_WORKER_STALE_MS: String(opts.staleAfterMs) } : {}),
    ...(opts.retryBaseMs ? { CHORUS_WORKER_RETRY_BASE_MS: String(opts.retryBaseMs) } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const started = await new Promise<{ started: string; pid: number }>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`the worker process did not start within ${opts.startTimeoutMs ?? 20_000} ms:\n${output}`)), opts.startTimeoutMs ?? 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{"started"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { started: string; pid: number });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the worker process ended (${String(how)}) before it started:\n${output}`));
    });
  });
  return {
    id: started.started,
    pid: started.pid,
    log: () => output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
