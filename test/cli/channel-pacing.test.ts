// Item 26: a channel's pacing through the API, the CLI and the forecast. A real server started
// in-process; the CLI runs through runCli with CHORUS_URL / CHORUS_DATA, as a script would.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { applyPacingPatch, PacingSettingError, parseDuration, pacingView } from '../../src/dispatch/pacing-settings.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const SHEET = `sop: pace
title: Pace
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: "Hello {{ group.name }}"
`;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pacing settings (pure)', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('3s')).toBe(3_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('4')).toBe(4_000);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('keeps each platform within its bounds, naming the field', () => {
    const refuse = (kind: 'telegram' | 'wecom' | 'wechaty', patch: Parameters<typeof applyPacingPatch>[2]) => {
      try {
        applyPacingPatch(kind, {}, patch);
      } catch (e) {
        if (e instanceof PacingSettingError) return [e.field, e.message];
      }
      return undefined;
    };
    expect(refuse('telegram', { intervalMs: 10 })).toEqual(['intervalMs', expect.stringMatching(/from 34 ms.*30 messages per second/)]);
    expect(refuse('wechaty', { intervalMs: 500 })).toEqual(['intervalMs', expect.stringMatching(/from 1000 ms.*looks automated/)]);
    expect(refuse('wecom', { perChatDailyCap: 40 })).toEqual(['perChatDailyCap', expect.stringMatching(/from 1 to 31/)]);
    expect(refuse('wecom', { perChatDailyCap: 'none' })).toEqual(['perChatDailyCap', expect.stringMatching(/cannot be removed/)]);
    expect(refuse('telegram', { jitterMs: 'none' })).toEqual(['jitterMs', expect.stringMatching(/cannot be "none"/)]);
    expect(refuse('telegram', { dailyCap: 0 })).toEqual(['dailyCap', expect.any(String)]);
    expect(refuse('telegram', { dailyCap: 1.5 })).toEqual(['dailyCap', expect.any(String)]);
  });

  it('shows the platform defaults, what the channel changed, and goes back to a default', () => {
    const changed = applyPacingPatch('wecom', {}, { intervalMs: 5_000, perChatDailyCap: 2 });
    expect(pacingView('wecom', changed)).toMatchObject({
      pacing: { intervalMs: 5_000, jitterMs: 1_000, dailyCap: null, perChatDailyCap: 2 },
      defaults: { intervalMs: 2_000, perChatDailyCap: 1 },
      changed: ['intervalMs', 'perChatDailyCap'],
    });
    const back = applyPacingPatch('wecom', changed, { perChatDailyCap: 'default' });
    expect(pacingView('wecom', back).pacing.perChatDailyCap).toBe(1);
    expect(pacingView('telegram', applyPacingPatch('telegram', {}, { dailyCap: 100 })).pacing.dailyCap).toBe(100);
    expect(pacingView('telegram', applyPacingPatch('telegram', { dailyCap: 100 }, { dailyCap: 'none' })).pacing.dailyCap).toBeNull();
  });
});

describe(`chorus channel pacing on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let token: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, checked by the assertions
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-pacing-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: false, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    const { readFileSync } = await import('node:fs');
    token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect((await cli('channel', 'add', 'sandbox', '--name', 'sandbox')).code).toBe(0);
    for (const i of [1, 2, 3, 4, 5]) expect((await cli('group', 'add', 'sandbox', `chat-${i}`, '--name', `Group ${i}`)).code).toBe(0);
  });
  afterAll(async () => {
    await server.close();
    await store.drop();
  });

  it('prints the current pacing without flags, as text and JSON', async () => {
    const r = await cli('channel', 'pacing', 'sandbox');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Pacing of sandbox (sandbox');
    expect(r.out).toMatch(/interval +0 ms between two sends +\(platform default\)/);
    const j = await cli('channel', 'pacing', 'sandbox', '--json');
    expect(JSON.parse(j.out)).toMatchObject({ name: 'sandbox', kind: 'sandbox', pacing: { intervalMs: 0, jitterMs: 0, dailyCap: null, perChatDailyCap: null }, changed: [] });
  });

  it('changes it, and the run preview forecasts with the new pacing', async () => {
    const anchor = new Date(Date.now() + 3_600_000).toISOString();
    const preview = async () => (await api('POST', '/api/runs/preview', { sheet: SHEET, groups: 'channel:sandbox', anchor })).body.forecast;
    const before = await preview();
    expect(before.maxDelaySeconds).toBe(0);

    const r = await cli('channel', 'pacing', 'sandbox', '--interval', '60s', '--jitter', '0s', '--daily-cap', '1000', '--per-chat-daily', '3');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/interval +1 min between two sends$/m);
    expect(r.out).toContain('Saved.');
    const after = await preview();
    // Five groups, one post each, 60 s apart: the last one goes out 4 minutes after the first.
    expect(after.maxDelaySeconds).toBe(240);
    expect(new Date(after.finishAt).getTime() - new Date(before.finishAt).getTime()).toBe(240_000);

    const got = await api('GET', '/api/channels/sandbox/pacing');
    expect(got.body).toMatchObject({ pacing: { intervalMs: 60_000, jitterMs: 0, dailyCap: 1000, perChatDailyCap: 3 }, changed: ['intervalMs', 'jitterMs', 'dailyCap', 'perChatDailyCap'] });

    await cli('channel', 'pacing', 'sandbox', '--interval', 'default');
    expect((await preview()).maxDelaySeconds).toBe(0);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'channel.pacing').execute();
    expect(audit.length).toBe(2);
  });

  it('refuses what is out of bounds with a plain error naming the field, and unreadable flags', async () => {
    const bad = await api('PATCH', '/api/channels/sandbox/pacing', { dailyCap: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'pacing_invalid', field: 'dailyCap' });
    expect(bad.body.error.message).toMatch(/daily cap must be a whole number from 1/);
    const typo = await api('PATCH', '/api/channels/sandbox/pacing', { interval: 3000 });
    expect(typo.status).toBe(400);
    const flag = await cli('channel', 'pacing', 'sandbox', '--interval', 'soon');
    expect(flag.code).not.toBe(0);
    expect(flag.err).toContain('--interval takes a duration such as 3s');
    const none = await api('GET', '/api/channels/nope/pacing');
    expect(none.status).toBe(404);
  });
});
