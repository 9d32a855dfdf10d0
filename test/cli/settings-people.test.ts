// The people rules through the API and `chorus settings people`: read with defaults and schema,
// change with errors naming the field (both languages), the background recompute and its progress.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { recordMemberEvent } from '../../src/community/events.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually } from '../support/world.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`people rules settings on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let token: string;
  let dir: string;
  const api = async (method: string, path: string, body?: unknown, lang = 'en') => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'accept-language': lang, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, checked by the assertions
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    store = await testStore();
    dir = mkdtempSync(join(tmpdir(), 'chorus-people-rules-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: dir, store, worker: false, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dir;
    delete process.env.CHORUS_TOKEN;
    token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    for (let i = 0; i < 30; i++) await store.db.insertInto('members').values({ id: `m_${i}`, name: `M ${i}` }).execute();
    for (let i = 0; i < 30; i++) for (let k = 0; k <= i % 5; k++) await recordMemberEvent(store.db, { memberId: `m_${i}`, kind: 'checkin', at: new Date(Date.now() - k * 3_600_000) });
  });
  afterAll(async () => {
    await server.close();
    await store.drop();
  });

  it('GET answers the rules, the defaults and the schema', async () => {
    const r = await api('GET', '/api/settings/people');
    expect(r.status).toBe(200);
    expect(r.body.rules).toEqual(r.body.defaults);
    expect(r.body.rules.levels.thresholds).toEqual({ active: 10, contributing: 40, professional: 120 });
    expect(r.body.recompute).toEqual({ state: 'idle', done: 0, total: 0 });
    const schema = await api('GET', '/api/settings/people/schema');
    expect(schema.body.type).toBe('object');
    expect(Object.keys(schema.body.properties)).toEqual(['stages', 'levels', 'tags', 'points']);
  });

  it('PUT refuses a bad document naming the field, in both languages, and saves nothing', async () => {
    const bad = await api('PUT', '/api/settings/people', { levels: { thresholds: { active: -3 } }, tags: [{ tag: 'x', when: 'role:kol' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'rules_invalid', field: 'levels.thresholds.active' });
    expect(bad.body.error.message).toBe('the people rules were not saved (2 problem(s)); first: levels.thresholds.active must be at least 0');
    expect(bad.body.error.problems).toEqual([
      { field: 'levels.thresholds.active', message: 'must be at least 0' },
      { field: 'tags.0.when', message: expect.stringContaining('a tag rule cannot use "role"') },
    ]);
    const zh = await api('PUT', '/api/settings/people', { levels: { thresholds: { active: -3 } } }, 'zh-CN');
    expect(zh.body.error.message).toBe('会员规则没有保存（共 1 处问题），第一处：levels.thresholds.active 不能小于 0');
    expect((await api('GET', '/api/settings/people')).body.updatedAt).toBeNull();
  });

  it('PUT saves, and recomputes every member in the background with progress', async () => {
    const r = await api('PUT', '/api/settings/people', { levels: { thresholds: { active: 2 } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rules.levels.thresholds.active).toBe(2);
    expect(r.body.recompute.state).toBe('running');
    let status: Record<string, unknown> = {};
    await eventually(async () => {
      status = (await api('GET', '/api/settings/people/recompute')).body;
      return status.state === 'done';
    }, 15_000, 'the recompute');
    expect(status).toMatchObject({ state: 'done', done: 30, total: 30 });
    // One check-in weighs 3 (a little less hours later): now everyone is active.
    const levels = await store.db.selectFrom('members').select('level').where('id', 'like', 'm_%').execute();
    expect(levels.every((m) => m.level !== 'ordinary')).toBe(true);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'settings.people').execute();
    expect(audit).toEqual([{ action: 'settings.people', target: 'settings:people' }]);
  });

  it('chorus settings people prints the rules; --set applies a YAML file; a bad one names each field', async () => {
    const shown = await cli('settings', 'people');
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('thresholds  active 2, contributing 40, professional 120');
    expect(shown.out).toMatch(/engaged +messages >= 1 or checkins >= 1/);
    const json = await cli('settings', 'people', '--json');
    expect(JSON.parse(json.out).levels.thresholds.active).toBe(2);

    const file = join(dir, 'rules.yaml');
    writeFileSync(file, 'levels:\n  halfLifeDays: 14\ntags:\n  - tag: vip\n    when: { orders: ">=2" }\npoints:\n  checkin: { points: 2, dailyCap: 1 }\n');
    const set = await cli('settings', 'people', '--set', file);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('vip: {"orders":">=2"}');
    expect(set.out).toContain('checkin: +2 (at most 1 a day)');
    expect(set.out).toContain('Saved.');
    const got = (await api('GET', '/api/settings/people')).body.rules;
    // A document replaces the rules: what it leaves out is the default again.
    expect(got.levels).toMatchObject({ halfLifeDays: 14, thresholds: { active: 10 } });

    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify({ levels: { weights: { message: 'one' } }, stages: { repeat: { purchases: 2 } } }));
    const bad = await cli('settings', 'people', '--set', badFile);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('levels.weights.message: must be a number');
    expect(bad.err).toContain('stages.repeat: is not a setting: purchases');
    const missing = await cli('settings', 'people', '--set', join(dir, 'nope.yaml'));
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('no such file') });
  });
});
