import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { parseSheet } from '../../src/sop/parse.ts';

const FIX = 'test/fixtures/cli';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('chorus sop lint', () => {
  it('exits 0 when no finding is an error', async () => {
    const r = await cli('sop', 'lint', `${FIX}/clean.yaml`);
    expect(r.code).toBe(0);
  });

  it('exits 1 on an error finding and prints it with line and column', async () => {
    const r = await cli('sop', 'lint', `${FIX}/unknown-var.yaml`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/unknown-var\.yaml:11:\d+ +error +unknown-variable .*clubb/);
  });

  it('exits 2 when a file cannot be parsed, naming line and column', async () => {
    const r = await cli('sop', 'lint', `${FIX}/clean.yaml`, `${FIX}/bad-time.yaml`);
    expect(r.code).toBe(2);
    expect(r.out).toContain('bad-time.yaml:8:9');
    expect(r.out).toContain('25:00 is not a time of day');
  });

  it('exits 2 when a file does not exist', async () => {
    const r = await cli('sop', 'lint', `${FIX}/nope.yaml`);
    expect(r.code).toBe(2);
    expect(r.out).toContain('no such file');
  });

  it('--json prints one array of {file, rule, severity, line, column, message, hint}', async () => {
    const r = await cli('sop', 'lint', '--json', `${FIX}/unknown-var.yaml`, `${FIX}/clean.yaml`);
    const findings = JSON.parse(r.out) as Record<string, unknown>[];
    expect(Array.isArray(findings)).toBe(true);
    const err = findings.find((f) => f.rule === 'unknown-variable');
    expect(err).toMatchObject({ file: `${FIX}/unknown-var.yaml`, severity: 'error', line: 11 });
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual(['column', 'file', 'hint', 'line', 'message', 'rule', 'severity']);
    }
  });
});

describe('chorus sop plan', () => {
  it('--json prints {step, occurrence, group, due, action, executor, text} sorted by due then group', async () => {
    const r = await cli('sop', 'plan', `${FIX}/clean.yaml`, '--anchor', '2026-12-01', '--groups', `${FIX}/groups.csv`, '--json');
    expect(r.code).toBe(0);
    const actions = JSON.parse(r.out) as Record<string, string>[];
    // 2026-12-01 is a Tuesday; Fridays from D0 to D27: Dec 4, 11, 18, 25 → 4 occurrences × 2 groups.
    expect(actions).toHaveLength(8);
    expect(Object.keys(actions[0]).sort()).toEqual(['action', 'due', 'executor', 'group', 'occurrence', 'step', 'text']);
    expect(actions[0]).toMatchObject({ step: 'friday-chat', occurrence: 1, group: 'g-1', due: '2026-12-04T12:00:00.000Z', executor: 'bot' });
    expect(actions[1]).toMatchObject({ group: 'g-2', text: 'Friday chat in Shanghai fans: share one photo from your week with the Blue Birds!' });
    const keys = actions.map((a) => `${a.due}|${a.group}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('without --groups plans one group named group-1', async () => {
    const r = await cli('sop', 'plan', `${FIX}/clean.yaml`, '--anchor', '2026-12-01T20:00:00+08:00', '--json', '--var', 'club=Red Foxes');
    const actions = JSON.parse(r.out) as Record<string, string>[];
    expect(new Set(actions.map((a) => a.group))).toEqual(new Set(['group-1']));
    expect(actions[0].text).toContain('Red Foxes');
  });

  it('prints a readable timeline without --json', async () => {
    const r = await cli('sop', 'plan', `${FIX}/clean.yaml`, '--anchor', '2026-12-01');
    expect(r.code).toBe(0);
    expect(r.out).toContain('D3');
    expect(r.out).toContain('20:00');
    expect(r.out).toContain('friday-chat');
  });

  it('exits 2 with line and column when the sheet cannot be parsed', async () => {
    const r = await cli('sop', 'plan', `${FIX}/bad-time.yaml`, '--anchor', '2026-12-01T20:00Z');
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad-time.yaml:8:9');
  });

  it('says plainly when a date anchor cannot be used', async () => {
    const r = await cli('sop', 'plan', `${FIX}/bad-time.yaml`.replace('bad-time', 'clean'), '--anchor', 'next tuesday');
    expect(r.code).not.toBe(0);
    expect(r.err.length).toBeGreaterThan(0);
  });

  it('rejects a malformed --var as a usage error', async () => {
    const r = await cli('sop', 'plan', `${FIX}/clean.yaml`, '--anchor', '2026-12-01', '--var', 'club');
    expect(r.code).toBe(2);
    expect(r.err).toContain('name=value');
  });

  it('reports a groups CSV without a name column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-'));
    writeFileSync(join(dir, 'g.csv'), 'id,city\ng1,Paris\n');
    const r = await cli('sop', 'plan', `${FIX}/clean.yaml`, '--anchor', '2026-12-01', '--groups', join(dir, 'g.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('no name column');
  });
});

describe('chorus sop import', () => {
  it('writes a sheet that parses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-'));
    const csv = join(dir, 'camp.csv');
    writeFileSync(csv, '天,时间,动作,内容,执行人,类型\nD-1,09:00,建群,训练营 1 群,机器人,\nD1,07:00,群发,早上好！今天的任务在群公告里。,机器人,促活\n');
    const out = join(dir, 'camp.yaml');
    const r = await cli('sop', 'import', csv, '-o', out);
    expect(r.code).toBe(0);
    const { sheet } = parseSheet(readFileSync(out, 'utf8'), out);
    expect(sheet.steps.map((s) => s.do)).toEqual(['create_group', 'post']);
  });

  it('exits 1 and writes nothing when a row is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-'));
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'Day,Time,Action,Content\nD1,07:00,post,hello\nD2,25:00,post,hi\n');
    const r = await cli('sop', 'import', csv, '-o', join(dir, 'out.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/row 3/);
  });
});

describe('chorus templates', () => {
  it('lists the template library', async () => {
    const r = await cli('templates', '--json');
    const list = JSON.parse(r.out) as { id: string }[];
    expect(list.length).toBeGreaterThanOrEqual(8);
  });

  it('lists both languages, the one asked for first, with the same JSON fields and a language', async () => {
    const r = await cli('templates', '--json', '--language', 'zh');
    const list = JSON.parse(r.out) as { id: string; language: string; title: string }[];
    expect(list[0].language).toBe('zh');
    expect(Object.keys(list[0]).sort()).toEqual(['community', 'description', 'file', 'id', 'language', 'steps', 'title']);
    expect(list.filter((t) => t.language === 'zh').map((t) => t.id).sort()).toEqual(list.filter((t) => t.language === 'en').map((t) => t.id).sort());
    const text = await cli('templates', '--language', 'en');
    expect(text.out.split('\n')[0]).toMatch(/^\S+\s+en\s/);
    expect((await cli('templates', '--language', 'fr')).code).not.toBe(0);
  });
});

describe('the chorus binary', () => {
  it('runs from bin/chorus.mjs with the contract exit codes', () => {
    const r = spawnSync(process.execPath, ['bin/chorus.mjs', 'sop', 'lint', '--json', `${FIX}/unknown-var.yaml`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)[0].rule).toBe('unknown-variable');
  });
});
