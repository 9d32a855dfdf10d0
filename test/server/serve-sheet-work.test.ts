// The sheet worker threads load TypeScript through tsx on their own; this proves it in the real
// process layout: `chorus serve` started by bin/chorus.mjs lints in a worker thread.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('chorus serve (bin/chorus.mjs)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('lints and refuses deep YAML through its worker threads', async () => {
    const data = mkdtempSync(join(tmpdir(), 'chorus-serve-'));
    const env = { ...process.env };
    delete env.DATABASE_URL; // the embedded database in the temporary folder
    const proc = spawn(process.execPath, ['bin/chorus.mjs', 'serve', '--port', '0', '--data', data, '--no-worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    proc.stdout?.on('data', (b) => {
      out += String(b);
    });
    proc.stderr?.on('data', (b) => {
      out += String(b);
    });
    await expect.poll(() => /running at (http:\/\/\S+)/.exec(out)?.[1], { timeout: 60_000 }).toBeTruthy();
    const url = /running at (http:\/\/\S+)/.exec(out)![1];
    const token = readFileSync(join(data, 'admin-token'), 'utf8').trim();
    const call = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const lint = await call('/api/lint', { yaml: readFileSync('test/fixtures/cli/clean.yaml', 'utf8') });
    expect(lint.status).toBe(200);
    expect(await lint.json()).toEqual({ parsed: true, findings: [] });
    const deep = await call('/api/plan', { yaml: `sop: a\nlint: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n`, anchor: '2026-12-01T20:00' });
    expect(deep.status).toBe(422);
    const answer = (await deep.json()) as { error: { problems: unknown[] } };
    expect(answer.error.problems[0]).toMatchObject({ line: 2, message: expect.stringContaining('nested more than 32 levels') });
  }, 90_000);
});
