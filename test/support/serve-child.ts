// Starts a real `chorus serve` (bin/chorus.mjs) as a child process and waits for its start banner:
// for tests that signal it (SIGTERM, SIGKILL) and watch it stop.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeChild {
  url: string;
  pid: number;
  /** Everything it wrote (stdout and stderr), for a failing test's message. */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export async function startServe(args: string[], env: NodeJS.ProcessEnv, startTimeoutMs = 90_000): Promise<ServeChild> {
  const child: ChildProcess = spawn(process.execPath, ['bin/chorus.mjs', 'serve', '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chorus serve did not start within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      const m = /Chorus is running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`chorus serve ended (${JSON.stringify(how)}) before it started:\n${output}`));
    });
  });
  return { url, pid: child.pid!, output: () => output, exited, kill: (signal) => void child.kill(signal) };
}
