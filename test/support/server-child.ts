// Starts `server-process.ts` (a server on a test's PostgreSQL schema) as a child process and waits
// for its "started" line: for tests that run several servers on one database and kill one.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerChild {
  holder: string;
  url: string;
  pid: number;
  log(): string;
  exited: Promise<number | NodeJS.Signals | null>;
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export async function startServerProcess(
  database: { databaseUrl: string; schema: string },
  opts: { holder: string; leaseMs?: number; worker?: boolean; startTimeoutMs?: number },
): Promise<ServerChild> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHORUS_SERVER_DATABASE_URL: database.databaseUrl,
    CHORUS_SERVER_SCHEMA: database.schema,
    CHORUS_SERVER_DATA_DIR: mkdtempSync(join(tmpdir(), 'chorus-server-')),
    CHORUS_SERVER_HOLDER: opts.holder,
    ...(opts.leaseMs ? { CHORUS_SERVER_LEASE_MS: String(opts.leaseMs) } : {}),
    ...(opts.worker ? { CHORUS_SERVER_WORKER: '1' } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const started = await new Promise<{ started: string; url: string; pid: number }>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`the server process did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{"started"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { started: string; url: string; pid: number });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the server process ended (${String(how)}) before it started:\n${output}`));
    });
  });
  return {
    holder: started.started,
    url: started.url,
    pid: started.pid,
    log: () => output,
    exited,
    kill: (signal) => void child.kill(signal),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
