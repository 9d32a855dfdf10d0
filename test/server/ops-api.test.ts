// The operational HTTP API route by route, on the engine the suite runs on: channels, groups,
// runs, broadcasts, tasks; auth; malformed bodies; and that credentials never leave sealed.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { eventually, TEST_KEY } from '../support/world.ts';
import { makeUser } from './accounts-world.ts';

const SHEET = `sop: ops-kickoff
title: Kick-off
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
vars:
  course: { required: true }
steps:
  - id: hello
    at: T0
    do: post
    text: "Welcome to {{ course }}, {{ group.name }}!"
  - id: call
    at: T+1h
    do: task
    by: leader
    text: Call each new member.
`;

describe(`operational API on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let tg: TelegramBotApi;
  let token: string;
  let sandboxId: string;
  const box = secretBox(TEST_KEY);
  const auth = () => ({ authorization: `Bearer ${token}` });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: auth() });
  const post = (url: string, payload: unknown = {}) => app.inject({ method: 'POST', url, headers: auth(), payload: payload as object });

  beforeAll(async () => {
    store = await testStore();
    tg = await startTelegramBotApi();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-ops-'));
    token = await ensureAdminToken(store.db, dataDir);
    for (const name of ['ann', 'bob', 'cat']) await makeUser(store.db, name, 'leader');
    const connectors = new ConnectorCache(store.db, box);
    worker = new Worker({ db: store.db, connectors, pollMs: 100, heartbeatMs: 200 });
    app = await buildApp({ store, dataDir, box, connectors, wake: () => worker.wake() });
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await tg.close();
    await store.drop();
  });

  it('refuses every operational route without a token', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/channels'],
      ['POST', '/api/channels'],
      ['GET', '/api/groups'],
      ['POST', '/api/groups'],
      ['POST', '/api/runs/preview'],
      ['POST', '/api/runs'],
      ['GET', '/api/runs/run_x'],
      ['POST', '/api/runs/run_x/pause'],
      ['POST', '/api/broadcasts'],
      ['GET', '/api/tasks'],
      ['POST', '/api/tasks/1/done'],
    ];
    for (const [method, url] of routes) {
      const r = await app.inject({ method: method as 'GET' | 'POST', url, payload: method === 'POST' ? {} : undefined });
      expect(r.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  describe('channels', () => {
    it('adds a sandbox channel and lists it without any configuration', async () => {
      const r = await post('/api/channels', { kind: 'sandbox', name: 'sandbox' });
      expect(r.statusCode).toBe(201);
      sandboxId = r.json().id;
      expect(r.json()).toMatchObject({ kind: 'sandbox', name: 'sandbox', status: 'active', identity: 'sandbox', webhook: null });
    });

    it('adds a Telegram bot after the Bot API accepted its token; the token is stored sealed and never returned', async () => {
      const r = await post('/api/channels', { kind: 'telegram', name: 'camp bot', config: { token: tg.token, apiRoot: tg.url } });
      expect(r.statusCode).toBe(201);
      const ch = r.json();
      expect(ch).toMatchObject({ kind: 'telegram', name: 'camp bot', identity: `@${tg.bot.username}`, webhook: `/webhooks/telegram/${ch.id}` });
      const list = await get('/api/channels');
      expect(list.json().channels.map((c: { name: string }) => c.name)).toEqual(['sandbox', 'camp bot']);
      const secretPart = tg.token.split(':')[1];
      expect(list.body).not.toContain(secretPart);
      expect(r.body).not.toContain(secretPart);
      const raw = await store.db.selectFrom('channels').select('config_sealed').where('id', '=', ch.id).executeTakeFirstOrThrow();
      expect(raw.config_sealed).not.toContain(secretPart);
      expect(JSON.parse(box.open(raw.config_sealed)).token).toBe(tg.token);
    });

    it('refuses a token the Bot API rejects, with a readable reason, and stores nothing', async () => {
      const before = (await store.db.selectFrom('channels').select('id').execute()).length;
      const wrong = `${tg.token.split(':')[0]}:AAwrongwrongwrongwrongwrongwrongwr`;
      const r = await post('/api/channels', { kind: 'telegram', config: { token: wrong, apiRoot: tg.url } });
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'channel_refused', field: 'config' });
      expect(r.json().error.message).toMatch(/Telegram refused these credentials/);
      expect(r.body).not.toContain('AAwrongwrongwrong');
      expect((await store.db.selectFrom('channels').select('id').execute()).length).toBe(before);
    });

    it('names the field of a malformed channel', async () => {
      const kind = await post('/api/channels', { kind: 'icq' });
      expect(kind.statusCode).toBe(400);
      expect(kind.json().error.field).toBe('kind');
      const missing = await post('/api/channels', { kind: 'telegram', config: {} });
      expect(missing.statusCode).toBe(422);
      expect(missing.json().error.field).toBe('token');
      const shape = await post('/api/channels', { kind: 'wecom', config: { corpId: 'ww1', secret: 's', token: 't', aesKey: 'short' } });
      expect(shape.json().error).toMatchObject({ field: 'aesKey' });
      expect(shape.json().error.message).toContain('43 characters');
      const extra = await post('/api/channels', { kind: 'sandbox', colour: 'red' });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().error.reason).toContain('colour');
    });
  });

  describe('groups', () => {
    it('adds groups with leader, community and tags, and selects them', async () => {
      for (const [i, leader] of [
        [1, 'ann'],
        [2, 'bob'],
        [3, 'ann'],
      ] as const) {
        const r = await post('/api/groups', { channel: 'sandbox', externalId: `chat-${i}`, name: `Group ${i}`, leader, community: 'training_camp', tags: [i % 2 ? 'odd' : 'even'] });
        expect(r.statusCode).toBe(201);
        expect(r.json()).toMatchObject({ channelId: sandboxId, externalId: `chat-${i}`, name: `Group ${i}`, leader, tags: [i % 2 ? 'odd' : 'even'] });
      }
      const odd = await get('/api/groups?groups=tag:odd');
      expect(odd.json().groups.map((g: { name: string }) => g.name)).toEqual(['Group 1', 'Group 3']);
      const ann = await get(`/api/groups?groups=${encodeURIComponent(`leader:ann+channel:${sandboxId}`)}`);
      expect(ann.json().groups).toHaveLength(2);
    });

    it('looks a Telegram group up on the platform: its title and member count', async () => {
      const chat = tg.addChat({ title: 'Camp 9 · Group 1', members: [{ user: { id: 501 } }, { user: { id: 502 } }] });
      const r = await post('/api/groups', { channel: 'camp bot', externalId: String(chat) });
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ name: 'Camp 9 · Group 1', externalId: String(chat) });
      expect(r.json().memberCount).toBeGreaterThanOrEqual(2);
      const missing = await post('/api/groups', { channel: 'camp bot', externalId: '-100999' });
      expect(missing.statusCode).toBe(422);
      expect(missing.json().error.field).toBe('externalId');
    });

    it('answers 404 for an unknown channel and 400 for a bad selector', async () => {
      const r = await post('/api/groups', { channel: 'nope', externalId: 'x' });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.field).toBe('channel');
      const bad = await get('/api/groups?groups=colour:red');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.field).toBe('groups');
      const tag = await post('/api/groups', { channel: 'sandbox', externalId: 'chat-9', tags: ['two words'] });
      expect(tag.statusCode).toBe(400);
      expect(tag.json().error.field).toBe('tags.0');
    });

    it('changes a group', async () => {
      const r = await app.inject({ method: 'PATCH', url: '/api/groups/chat-2', headers: auth(), payload: { leader: 'cat', tags: ['even', 'vip'] } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ name: 'Group 2', leader: 'cat', tags: ['even', 'vip'] });
      expect((await app.inject({ method: 'PATCH', url: '/api/groups/nope', headers: auth(), payload: {} })).statusCode).toBe(404);
    });
  });

  describe('runs', () => {
    const body = (anchor: Date, extra: Record<string, unknown> = {}) => ({ sheet: SHEET, groups: 'channel:sandbox', anchor: anchor.toISOString(), vars: { course: 'Go' }, ...extra });

    it('previews without writing, with the pacing forecast', async () => {
      const r = await post('/api/runs/preview', body(new Date(Date.now() + 60_000)));
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ groups: 3, actions: 6, byMode: { bot: 3, human: 3 } });
      expect(r.json().forecast.finishAt).toBeTruthy();
      expect(await store.db.selectFrom('runs').selectAll().execute()).toHaveLength(0);
    });

    it('starts a run, sends its due posts, and reports the status', async () => {
      const r = await post('/api/runs', body(new Date(Date.now() + 300)));
      expect(r.statusCode).toBe(201);
      const id = r.json().id as string;
      expect(r.json()).toMatchObject({ actions: 6, groups: 3 });
      await eventually(async () => ((await get(`/api/runs/${id}`)).json().counts.sent ?? 0) === 3, 10_000, 'three sends');
      const s = (await get(`/api/runs/${id}`)).json();
      expect(s).toMatchObject({ id, state: 'running', counts: { sent: 3, assigned: 3 } });
      expect(s.actions.find((a: { step: string }) => a.step === 'call')).toMatchObject({ state: 'assigned', executor: 'leader' });
      const sent = await store.db.selectFrom('sandbox_messages').select('text').execute();
      expect(sent.map((m) => m.text).sort()).toEqual(['Welcome to Go, Group 1!', 'Welcome to Go, Group 2!', 'Welcome to Go, Group 3!']);
    });

    it('pauses, resumes and cancels; a wrong move is 409, an unknown run 404', async () => {
      const id = (await post('/api/runs', body(new Date(Date.now() + 3_600_000)))).json().id as string;
      expect((await post(`/api/runs/${id}/pause`)).json()).toEqual({ id, state: 'paused' });
      const again = await post(`/api/runs/${id}/pause`);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('wrong_state');
      expect((await post(`/api/runs/${id}/resume`)).json()).toEqual({ id, state: 'running' });
      expect((await post(`/api/runs/${id}/cancel`)).json()).toEqual({ id, state: 'cancelled', cancelled: 6 });
      expect((await get(`/api/runs/${id}`)).json().counts).toEqual({ cancelled: 6 });
      expect((await post('/api/runs/run_nope/cancel')).statusCode).toBe(404);
      expect((await get('/api/runs/run_nope')).statusCode).toBe(404);
    });

    it('refuses malformed run requests with the field, and unplannable ones with 422', async () => {
      const noAnchor = await post('/api/runs', { sheet: SHEET, groups: 'all' });
      expect(noAnchor.statusCode).toBe(400);
      expect(noAnchor.json().error).toMatchObject({ field: 'anchor', reason: 'is required' });
      const noVar = await post('/api/runs', body(new Date(Date.now() + 60_000), { vars: {} }));
      expect(noVar.statusCode).toBe(422);
      expect(noVar.json().error.code).toBe('plan_failed');
      const noGroups = await post('/api/runs/preview', body(new Date(), { groups: 'tag:nobody' }));
      expect(noGroups.statusCode).toBe(422);
      expect(noGroups.json().error.code).toBe('no_groups');
      const badSelector = await post('/api/runs/preview', body(new Date(), { groups: 'colour:red' }));
      expect(badSelector.statusCode).toBe(400);
      expect(badSelector.json().error.field).toBe('groups');
      const noSheet = await post('/api/runs/preview', body(new Date(), { sheet: 'no-such-sheet' }));
      expect(noSheet.statusCode).toBe(422);
      expect(noSheet.json().error.message).toContain('no-such-sheet');
      const broken = await post('/api/runs/preview', body(new Date(), { sheet: 'sop: x\nsteps: 3\n' }));
      expect(broken.statusCode).toBe(422);
      expect(broken.json().error.code).toBe('invalid_sheet');
    });
  });

  describe('broadcasts and tasks', () => {
    it('previews and starts a broadcast by the leaders; its status has the run shape', async () => {
      const input = { text: 'Please pin the new schedule.', groups: 'channel:sandbox', by: 'leader', deadline: '2h' };
      const p = await post('/api/broadcasts/preview', input);
      expect(p.statusCode).toBe(200);
      expect(p.json()).toMatchObject({ groups: 3, bot: 0, human: 3, withoutLeader: [] });
      const r = await post('/api/broadcasts', input);
      expect(r.statusCode).toBe(201);
      const id = r.json().id as string;
      const s = (await get(`/api/broadcasts/${id}`)).json();
      expect(s).toMatchObject({ id, kind: 'broadcast', state: 'running', counts: { assigned: 3 } });
      expect(new Set(s.actions.map((a: { assignee: string }) => a.assignee))).toEqual(new Set(['ann', 'cat']));
      const notBroadcast = (await store.db.selectFrom('runs').select('id').where('kind', '=', 'run').executeTakeFirstOrThrow()).id;
      expect((await get(`/api/broadcasts/${notBroadcast}`)).statusCode).toBe(404);
    });

    it('sends a bot broadcast to every group', async () => {
      const r = await post('/api/broadcasts', { text: 'Live in 10 minutes!', groups: 'tag:odd', deadline: '1h' });
      const id = r.json().id as string;
      await eventually(async () => ((await get(`/api/broadcasts/${id}`)).json().counts.sent ?? 0) === 2, 10_000, 'two broadcast sends');
      const texts = await store.db.selectFrom('sandbox_messages').select('text').where('text', '=', 'Live in 10 minutes!').execute();
      expect(texts).toHaveLength(2);
    });

    it('refuses a broadcast without text or with a past deadline', async () => {
      const noText = await post('/api/broadcasts', { groups: 'all' });
      expect(noText.statusCode).toBe(400);
      expect(noText.json().error.field).toBe('text');
      const past = await post('/api/broadcasts', { text: 'x', groups: 'all', deadline: '2000-01-01T00:00:00Z' });
      expect(past.statusCode).toBe(422);
      expect(past.json().error.code).toBe('bad_deadline');
    });

    it("lists a leader's tasks and marks one done, once", async () => {
      const r = await get('/api/tasks?assignee=ann');
      expect(r.statusCode).toBe(200);
      const tasks = r.json().tasks as { id: number; assignee: string; state: string; text: string }[];
      expect(tasks.length).toBeGreaterThanOrEqual(2);
      expect(tasks.every((t) => t.assignee === 'ann' && t.state === 'assigned')).toBe(true);
      const pin = tasks.find((t) => t.text === 'Please pin the new schedule.')!;
      const done = await post(`/api/tasks/${pin.id}/done`);
      expect(done.json()).toEqual({ id: pin.id, state: 'done' });
      const twice = await post(`/api/tasks/${pin.id}/done`);
      expect(twice.statusCode).toBe(409);
      const after = (await get('/api/tasks?assignee=ann')).json().tasks as { id: number }[];
      expect(after.map((t) => t.id)).not.toContain(pin.id);
      const doneList = (await get('/api/tasks?assignee=ann&state=done')).json().tasks as { id: number }[];
      expect(doneList.map((t) => t.id)).toEqual([pin.id]);
    });

    it('names the field of a malformed task request', async () => {
      const state = await get('/api/tasks?state=finished');
      expect(state.statusCode).toBe(400);
      expect(state.json().error.field).toMatch(/^state/);
      const id = await post('/api/tasks/abc/done');
      expect(id.statusCode).toBe(400);
      expect(id.json().error.field).toBe('id');
      const outcome = await post('/api/tasks/1/resolve', { outcome: 'maybe' });
      expect(outcome.statusCode).toBe(400);
      expect(outcome.json().error.field).toBe('outcome');
    });
  });
});
