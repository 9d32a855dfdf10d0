// The CLI contract for sheets that cannot be read holds for the reader's limits too: deep YAML,
// an oversized sheet and prototype names exit 2 with file:line:column, never a stack overflow.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

const dir = mkdtempSync(join(tmpdir(), 'chorus-limits-'));
const HEAD = 'sop: deep\ntitle: Deep\ncommunity: fans\ntimezone: Asia/Shanghai\nanchor: Start\n';
const STEP = 'steps:\n  - id: s1\n    at: D0 10:00\n    do: post\n    text: hi\n';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('chorus sop at the limits', () => {
  const deep = file('deep.yaml', `${HEAD}lint: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n${STEP}`);

  it('the real command exits 2 on 2,000 nested maps, naming line and column', () => {
    const r = spawnSync(process.execPath, ['bin/chorus.mjs', 'sop', 'lint', deep], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/deep\.yaml:6:\d+ +error +parse +the YAML is nested more than 32 levels deep here/);
    expect(r.stderr).not.toContain('Maximum call stack');
  });

  it('sop plan exits 2 on deep YAML, an oversized sheet and `by: constructor`', async () => {
    const big = file('big.yaml', `${HEAD}description: "${'x'.repeat(600 * 1024)}"\n${STEP}`);
    const by = file('by.yaml', `${HEAD}${STEP}    by: constructor\n`);
    for (const [path, said] of [
      [deep, /deep\.yaml:6:\d+: the YAML is nested more than 32 levels/],
      [big, /big\.yaml:6:\d+: the sheet is 600 KB; a sheet holds at most 512 KB/],
      [by, /by\.yaml:11:9: step `s1`: `by: constructor` is a word reserved by the system/],
    ] as const) {
      const r = await cli('sop', 'plan', path, '--anchor', '2026-12-01T20:00');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(said);
    }
  });

  it('sop plan exits 1 (cannot plan) on {{ constructor }}, with the step', async () => {
    const path = file('var.yaml', `${HEAD}${STEP.replace('text: hi', 'text: "hi {{ constructor }}"')}`);
    const r = await cli('sop', 'plan', path, '--anchor', '2026-12-01T20:00');
    expect(r.code).toBe(1);
    expect(r.err).toContain('step `s1`: `{{ constructor }}` is not a variable with a value');
    expect(r.out).not.toContain('native code');
  });
});
