// Platform webhooks through the real app: Telegram's secret-token header and WeCom's signed,
// encrypted callbacks. Right proof → 200 and the event is stored; anything else → refused, and
// nothing is stored. Unknown channels are 404.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type SignedRequest, startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

const SECRET = 'hook_S3cret-token';
const WECOM_CHAT = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA';

describe(`webhooks on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let tg: TelegramBotApi;
  let wecom: WecomApiServer;
  let token: string;
  let tgChannel: string;
  let wecomChannel: string;

  const events = async (channelId: string) =>
    store.db.selectFrom('inbound_events').select(['type', 'chat_id', 'payload']).where('channel_id', '=', channelId).orderBy('id').execute();
  const addChannel = async (payload: object) => {
    const r = await app.inject({ method: 'POST', url: '/api/channels', headers: { authorization: `Bearer ${token}` }, payload });
    expect(r.statusCode).toBe(201);
    return r.json().id as string;
  };
  const update = (id: number, text: string) =>
    JSON.stringify({
      update_id: id,
      message: { message_id: id, from: { id: 7, is_bot: false, first_name: 'Ann' }, chat: { id: -1001234, type: 'supergroup', title: 'Camp 1' }, date: 1_767_225_600, text },
    });
  const wecomInject = (req: SignedRequest, channelId = wecomChannel) =>
    app.inject({ method: req.method as 'GET' | 'POST', url: `/webhooks/wecom/${channelId}?${new URLSearchParams(req.query)}`, headers: req.headers, payload: req.body || undefined });

  beforeAll(async () => {
    store = await testStore();
    tg = await startTelegramBotApi();
    wecom = await startWecomApi();
    wecom.addGroup({ chat_id: WECOM_CHAT, name: 'Camp 7 · 1', owner: 'zhangsan', members: [{ userid: 'wmCUSTOMER1', name: 'Li Lei' }] });
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-hooks-'));
    token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, box: secretBox(TEST_KEY) });
    tgChannel = await addChannel({ kind: 'telegram', config: { token: tg.token, apiRoot: tg.url, webhookSecret: SECRET } });
    wecomChannel = await addChannel({ kind: 'wecom', config: { corpId: wecom.corpId, secret: wecom.secret, token: wecom.token, aesKey: wecom.aesKey, apiRoot: wecom.url } });
  });
  afterAll(async () => {
    await app.close();
    await tg.close();
    await wecom.close();
    await store.drop();
  });

  describe('telegram', () => {
    it('stores the events of an update sent with the right secret token', async () => {
      const r = await app.inject({
        method: 'POST',
        url: `/webhooks/telegram/${tgChannel}`,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        payload: update(1, 'hello camp'),
      });
      expect(r.statusCode).toBe(200);
      const stored = await events(tgChannel);
      expect(stored.map((e) => e.type)).toEqual(['group_seen', 'message']);
      expect(stored[1]).toMatchObject({ chat_id: '-1001234', payload: expect.objectContaining({ text: 'hello camp' }) });
    });

    it('refuses a wrong or missing secret with 401 and stores nothing; no API token opens it either', async () => {
      const before = (await events(tgChannel)).length;
      for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong' }, { authorization: `Bearer ${token}` }]) {
        const r = await app.inject({ method: 'POST', url: `/webhooks/telegram/${tgChannel}`, headers: { 'content-type': 'application/json', ...headers }, payload: update(2, 'forged') });
        expect(r.statusCode).toBe(401);
      }
      expect((await events(tgChannel)).length).toBe(before);
    });

    it('answers 404 for an unknown channel or a channel of another kind', async () => {
      const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
      expect((await app.inject({ method: 'POST', url: '/webhooks/telegram/ch_nope', headers, payload: update(3, 'x') })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: `/webhooks/telegram/${wecomChannel}`, headers, payload: update(3, 'x') })).statusCode).toBe(404);
    });

    it('sets the webhook on Telegram, which then delivers real updates over HTTP', async () => {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const r = await app.inject({ method: 'POST', url: `/api/channels/${tgChannel}/webhook`, headers: { authorization: `Bearer ${token}` }, payload: { url: address } });
      expect(r.statusCode).toBe(200);
      expect(r.json().webhook).toBe(`${address}/webhooks/telegram/${tgChannel}`);
      expect(tg.webhook()).toMatchObject({ url: `${address}/webhooks/telegram/${tgChannel}`, secret: SECRET });
      const chat = tg.addChat({ title: 'Camp 2' });
      const delivery = await tg.join(chat, { id: 301, first_name: 'Fay' }, { inviteLink: 'https://t.me/+campaignA' });
      expect(delivery).toEqual({ delivered: true, status: 200 });
      await eventually(async () => (await events(tgChannel)).some((e) => e.type === 'member_joined' && e.chat_id === String(chat)), 5000, 'the join');
      const wecomHook = await app.inject({ method: 'POST', url: `/api/channels/${wecomChannel}/webhook`, headers: { authorization: `Bearer ${token}` }, payload: { url: address } });
      expect(wecomHook.statusCode).toBe(422);
    });

    it('gives a channel added without a webhook secret one when its webhook is set, and keeps it sealed', async () => {
      const address = app.server.listening ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}` : await app.listen({ port: 0, host: '127.0.0.1' });
      const plain = await addChannel({ kind: 'telegram', name: 'no secret yet', config: { token: tg.token, apiRoot: tg.url } });
      const r = await app.inject({ method: 'POST', url: `/api/channels/${plain}/webhook`, headers: { authorization: `Bearer ${token}` }, payload: { url: `${address}/` } });
      expect(r.statusCode).toBe(200);
      const hook = tg.webhook()!;
      expect(hook.url).toBe(`${address}/webhooks/telegram/${plain}`);
      expect(hook.secret).toMatch(/^[\w-]{16,}$/);
      expect(r.body).not.toContain(hook.secret!);
      const raw = await store.db.selectFrom('channels').select('config_sealed').where('id', '=', plain).executeTakeFirstOrThrow();
      expect(raw.config_sealed).not.toContain(hook.secret!);
      expect((await tg.say(tg.addChat({ title: 'Camp 3', members: [{ user: { id: 77 } }] }), 77, 'hi')).status).toBe(200);
      await eventually(async () => (await events(plain)).some((e) => e.type === 'message'), 5000, 'the message');
    });
  });

  describe('wecom', () => {
    const joined = { ChatId: WECOM_CHAT, ChangeType: 'update' as const, UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmCUSTOMER1'] };

    it('answers the URL verification with the decrypted echostr', async () => {
      const v = wecom.verificationRequest();
      const r = await wecomInject(v);
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe(v.echo);
    });

    it('stores a signed, encrypted callback', async () => {
      const r = await wecomInject(wecom.signedCallback(joined));
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe('success');
      const stored = await events(wecomChannel);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ type: 'member_joined', chat_id: WECOM_CHAT, payload: expect.objectContaining({ member: expect.objectContaining({ externalId: 'wmCUSTOMER1' }) }) });
    });

    it('refuses a forged signature, a replay and another company, storing nothing', async () => {
      const before = (await events(wecomChannel)).length;
      const forged = await wecomInject(wecom.signedCallback(joined, { signature: 'f'.repeat(40) }));
      expect(forged.statusCode).toBe(401);
      expect(forged.body).toMatch(/signature does not match/);
      expect((await wecomInject(wecom.signedCallback(joined, { receiveId: 'wwSOMEONEELSE' }))).statusCode).toBe(403);
      const once = wecom.signedCallback(joined);
      expect((await wecomInject(once)).statusCode).toBe(200);
      expect((await wecomInject(once)).statusCode).toBe(403);
      expect((await events(wecomChannel)).length).toBe(before + 1);
      expect((await wecomInject(wecom.signedCallback(joined), 'ch_nope')).statusCode).toBe(404);
    });
  });
});
