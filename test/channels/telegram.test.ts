// The Telegram connector against a local Bot API server (test/support/telegram-bot-api.ts):
// the shared contract, every action, each error mapping, the webhook and long polling.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError, type InboundEvent, type OutboundAction } from '../../src/channels/port.ts';
import { createTelegramConnector, TELEGRAM_CAPABILITIES, type TelegramConfig } from '../../src/channels/telegram/index.ts';
import { connectTelegramBotApi, startTelegramBotApi } from '../support/telegram-bot-api.ts';
import { connectorContract } from './contract.ts';

const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };

async function world(opts: { bot?: 'administrator' | 'member'; config?: Partial<TelegramConfig> } = {}) {
  const api = await startTelegramBotApi();
  const chatId = api.addChat({ title: 'Camp 7 · Group 1', bot: opts.bot ?? 'administrator', members: [{ user: ALICE }] });
  const connector = createTelegramConnector({ token: api.token, apiRoot: api.url, ...opts.config });
  return { api, connector, chat: String(chatId), chatId };
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});
async function open(opts: Parameters<typeof world>[0] = {}) {
  const w = await world(opts);
  closers.push(() => w.api.close(), () => w.connector.stop?.() ?? Promise.resolve());
  return w;
}

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChannelError);
  return e as ChannelError;
}

function expectNoToken(err: ChannelError, token: string): void {
  const secretPart = token.split(':')[1];
  for (const text of [err.message, err.stack ?? '', String((err.cause as Error | undefined)?.message ?? ''), String((err.cause as Error | undefined)?.stack ?? '')]) {
    expect(text).not.toContain(secretPart);
  }
}

async function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

connectorContract('telegram', TELEGRAM_CAPABILITIES, async () => {
  const { api, connector, chat } = await world();
  return {
    connector,
    chatId: chat,
    userId: String(ALICE.id),
    sentTexts: async (c) => api.sentTexts(Number(c)),
    title: async (c) => api.title(Number(c)),
    isMember: async (c, u) => api.isMember(Number(c), Number(u)),
    // Telegram fetches a photo given by URL itself.
    imageUrl: 'https://cdn.example/poster.png',
    close: () => api.close(),
  };
});

describe('telegram connector: actions', () => {
  it('post: text with its link; an image goes as a photo with the caption', async () => {
    const { api, connector, chat, chatId } = await open();
    const r = await connector.perform({ type: 'post', chatId: chat, text: 'Day 3 offer', link: 'https://shop.example/camp' });
    expect(r).toMatchObject({ status: 'done', messageId: '1' });
    const r2 = await connector.perform({ type: 'post', chatId: chat, text: 'Poster', image: 'https://cdn.example/poster.png' });
    expect(r2).toMatchObject({ status: 'done', messageId: '2' });
    const sent = api.sent(chatId);
    expect(sent[0]).toMatchObject({ method: 'sendMessage', text: 'Day 3 offer\n\nhttps://shop.example/camp' });
    expect(sent[1]).toMatchObject({ method: 'sendPhoto', photo: 'https://cdn.example/poster.png', caption: 'Poster' });
  });

  it('post: an image Chorus drew (the weekly digest card) is uploaded as a photo with the text as its caption', async () => {
    const { api, connector, chat, chatId } = await open();
    expect(connector.uploadsImages).toBe(true);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const r = await connector.perform({ type: 'post', chatId: chat, text: '📰 本周群周报', imageData: { bytes: png, name: 'digest-2026-W48.png' } });
    expect(r).toMatchObject({ status: 'done', messageId: '1' });
    const [sent] = api.sent(chatId);
    expect(sent).toMatchObject({ method: 'sendPhoto', caption: '📰 本周群周报' });
    // A caption over Telegram's 1,024 characters is refused before anything is sent.
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'x'.repeat(1025), imageData: { bytes: png, name: 'd.png' } }));
    expect(err.kind).toBe('permanent');
    expect(api.sent(chatId)).toHaveLength(1);
  });

  it('post: a text over 4096 characters is refused before anything is sent', async () => {
    const { api, connector, chat, chatId } = await open();
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'x'.repeat(4097) }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/4097 characters.*at most 4096/);
    expect(api.sent(chatId)).toHaveLength(0);
  });

  it('announce: sends, then pins that message', async () => {
    const { api, connector, chat, chatId } = await open();
    const r = await connector.perform({ type: 'announce', chatId: chat, text: 'Rules: be kind.' });
    expect(r.status).toBe('done');
    expect(api.chat(chatId)?.pinned).toBe(Number(r.status === 'done' ? r.messageId : 0));
  });

  it('announce: when the pin fails after the send, it is never retried automatically', async () => {
    const notAdmin = await open({ bot: 'member' });
    const err = await failure(notAdmin.connector.perform({ type: 'announce', chatId: notAdmin.chat, text: 'Rules' }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/posted in group .* \(message 1\) but could not be pinned.*admin/);

    const { api, connector, chat, chatId } = await open();
    api.fail(1, { error_code: 500, description: 'Internal Server Error', method: 'pinChatMessage' });
    const err2 = await failure(connector.perform({ type: 'announce', chatId: chat, text: 'Rules' }));
    expect(err2.kind).toBe('ambiguous');
    expect(api.sentTexts(chatId)).toEqual(['Rules']);
  });

  it('set_description, and setting the same one again is still done', async () => {
    const { api, connector, chat, chatId } = await open();
    await connector.perform({ type: 'set_description', chatId: chat, text: 'Camp 7: daily tasks at 07:00' });
    expect(api.chat(chatId)?.description).toBe('Camp 7: daily tasks at 07:00');
    await expect(connector.perform({ type: 'set_description', chatId: chat, text: 'Camp 7: daily tasks at 07:00' })).resolves.toMatchObject({ status: 'done' });
  });

  it('create_invite_link passes name, expiry and member limit and returns the link', async () => {
    const { api, connector, chat, chatId } = await open();
    const expiresAt = new Date(Date.now() + 86_400_000);
    const r = await connector.perform({ type: 'create_invite_link', chatId: chat, name: 'campaign-a/member-111', expiresAt, memberLimit: 50 });
    const stored = api.chat(chatId)?.inviteLinks[0];
    expect(r.status === 'done' && r.data?.inviteLink).toBe(stored?.invite_link);
    expect(stored).toMatchObject({ name: 'campaign-a/member-111', member_limit: 50, expire_date: Math.floor(expiresAt.getTime() / 1000), creates_join_request: false });
    const err = await failure(connector.perform({ type: 'create_invite_link', chatId: chat, memberLimit: 5, joinRequest: true }));
    expect(err.kind).toBe('permanent');
    expect(api.calls('createChatInviteLink')).toHaveLength(1);
  });

  it('approve and decline join requests', async () => {
    const { api, connector, chat, chatId } = await open();
    await api.requestJoin(chatId, { id: 501, first_name: 'Dan' });
    await api.requestJoin(chatId, { id: 502, first_name: 'Eve' });
    await connector.perform({ type: 'approve_join', chatId: chat, userId: '501' });
    await connector.perform({ type: 'decline_join', chatId: chat, userId: '502' });
    expect(api.isMember(chatId, 501)).toBe(true);
    expect(api.isMember(chatId, 502)).toBe(false);
    expect(api.chat(chatId)?.joinRequests).toEqual([]);
    const err = await failure(connector.perform({ type: 'approve_join', chatId: chat, userId: '502' }));
    expect(err.message).toMatch(/no pending request/);
  });

  it('remove_member with ban keeps the ban; unban_member lifts it', async () => {
    const { api, connector, chat, chatId } = await open();
    await connector.perform({ type: 'remove_member', chatId: chat, userId: '111', ban: true });
    expect(api.memberStatus(chatId, 111)).toBe('kicked');
    await connector.perform({ type: 'unban_member', chatId: chat, userId: '111' });
    expect(api.memberStatus(chatId, 111)).toBe('left');
    const err = await failure(connector.perform({ type: 'remove_member', chatId: chat, userId: 'alice' }));
    expect(err.message).toMatch(/not a Telegram user id/);
  });

  it('direct_message: only to someone who started the bot', async () => {
    const { api, connector } = await open();
    const err = await failure(connector.perform({ type: 'direct_message', userId: '111', text: 'How is it going?' }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/must press Start/);
    api.startPrivateChat(111);
    await expect(connector.perform({ type: 'direct_message', userId: '111', text: 'How is it going?' })).resolves.toMatchObject({ status: 'done' });
    expect(api.sentTexts(111)).toEqual(['How is it going?']);
  });

  it('getGroup reads title, member count and pinned notice; listGroups is empty', async () => {
    const { connector, chat } = await open();
    await connector.perform({ type: 'announce', chatId: chat, text: 'Welcome notice' });
    expect(await connector.getGroup?.(chat)).toEqual({ chatId: chat, title: 'Camp 7 · Group 1', memberCount: 2, notice: 'Welcome notice' });
    expect(await connector.listGroups()).toEqual([]);
  });

  it('honours apiRoot (with or without a trailing slash)', async () => {
    const { api } = await open();
    const other = await startTelegramBotApi({ token: api.token });
    closers.push(() => other.close());
    const connector = createTelegramConnector({ token: api.token, apiRoot: `${other.url}/` });
    expect(await connector.verify()).toEqual({ ok: true, identity: '@chorus_test_bot' });
    expect(other.calls('getMe')).toHaveLength(1);
    expect(api.calls('getMe')).toHaveLength(0);
  });
});

describe('telegram connector: errors', () => {
  it('429 storm → rate_limited with retry_after, then it goes through', async () => {
    const { api, connector, chat, chatId } = await open();
    api.rateLimit(2, 7);
    const post: OutboundAction = { type: 'post', chatId: chat, text: 'storm' };
    for (let i = 0; i < 2; i++) {
      const err = await failure(connector.perform(post));
      expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, platformCode: 429 });
      expectNoToken(err, api.token);
    }
    expect(api.sent(chatId)).toHaveLength(0);
    await expect(connector.perform(post)).resolves.toMatchObject({ status: 'done' });
  });

  it('enforced Telegram limits answer 429 and are counted', async () => {
    const { api, connector, chat } = await open();
    api.setLimits('enforce', 3);
    for (let i = 0; i < 3; i++) await connector.perform({ type: 'post', chatId: chat, text: `m${i}` });
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'one too many' }));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(59_000);
    expect(api.violations()).toMatchObject([{ kind: 'per_chat_per_minute', chat_id: Number(chat) }]);
  });

  it('bot kicked → permanent, saying so', async () => {
    const { api, connector, chat, chatId } = await open();
    await api.kick(chatId, 111);
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'hello?' }));
    expect(err).toMatchObject({ kind: 'permanent', platformCode: 403 });
    expect(err.message).toBe(`The bot was removed from group ${chat}. Add it back as an admin to let Chorus act there again.`);
    expectNoToken(err, api.token);
  });

  it('chat not found and missing admin rights → permanent with a readable reason', async () => {
    const { connector } = await open();
    const err = await failure(connector.perform({ type: 'rename', chatId: '-100999', name: 'x' }));
    expect(err.message).toMatch(/cannot find group -100999/);
    const member = await open({ bot: 'member' });
    const err2 = await failure(member.connector.perform({ type: 'rename', chatId: member.chat, name: 'New name' }));
    expect(err2.kind).toBe('permanent');
    expect(err2.message).toMatch(/not allowed to change the group name .*Make the bot an admin/);
  });

  it('bad token → auth, and verify() explains it', async () => {
    const { api, chat } = await open();
    const wrong = `${api.bot.id}:AAwrongwrongwrongwrongwrongwrongwro`;
    const connector = createTelegramConnector({ token: wrong, apiRoot: api.url });
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'x' }));
    expect(err).toMatchObject({ kind: 'auth', platformCode: 401 });
    expectNoToken(err, wrong);
    const v = await connector.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/@BotFather/);
  });

  it('server down → transient, and the token is not in the message', async () => {
    const api = await startTelegramBotApi();
    const url = api.url;
    await api.close();
    const connector = createTelegramConnector({ token: api.token, apiRoot: url });
    const err = await failure(connector.perform({ type: 'post', chatId: '-1001', text: 'x' }));
    expect(err).toMatchObject({ kind: 'transient', platformCode: 'ECONNREFUSED' });
    expect(err.message).toMatch(/nothing was sent/);
    expectNoToken(err, api.token);
  });

  it('connection dropped after the message was accepted → ambiguous (the message exists)', async () => {
    const { api, connector, chat, chatId } = await open();
    api.dropAfterAccept(1);
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'once only' }));
    expect(err.kind).toBe('ambiguous');
    expect(api.sentTexts(chatId)).toEqual(['once only']);
    expectNoToken(err, api.token);
    // A lost answer to a rename is harmless to repeat: transient.
    api.dropAfterAccept(1);
    const err2 = await failure(connector.perform({ type: 'rename', chatId: chat, name: 'Renamed' }));
    expect(err2.kind).toBe('transient');
  });

  it('no answer within the time-out on a send → ambiguous', async () => {
    const { api, chat } = await open();
    api.setLatency(1500);
    const connector = createTelegramConnector({ token: api.token, apiRoot: api.url, timeoutSeconds: 0.3 });
    const err = await failure(connector.perform({ type: 'post', chatId: chat, text: 'slow' }));
    expect(err.kind).toBe('ambiguous');
    expectNoToken(err, api.token);
  });
});

async function webhookReceiver(handle: (req: { method: string; headers: Record<string, string | undefined>; body: string }) => Promise<{ status: number; body: string }>) {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await handle({ method: req.method ?? 'GET', headers: req.headers as Record<string, string | undefined>, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(r.status).end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
}

describe('telegram connector: webhook', () => {
  it('setWebhook passes the secret and allowed_updates; right secret → 200 and ingested', async () => {
    const { api, connector, chatId } = await open({ config: { webhookSecret: 'S3cret_token-1' } });
    const events: InboundEvent[] = [];
    const url = await webhookReceiver((req) => connector.handleWebhook({ ...req, query: {} }, async (_id, e) => void events.push(e), 'tg-main'));
    await connector.setWebhook(url);
    expect(api.webhook()).toMatchObject({ url, secret: 'S3cret_token-1' });
    const delivery = await api.join(chatId, { id: 301, first_name: 'Fay' }, { inviteLink: 'https://t.me/+campaignA' });
    expect(delivery).toEqual({ delivered: true, status: 200 });
    expect(events).toMatchObject([{ type: 'member_joined', chatId: String(chatId), member: { externalId: '301' }, via: { inviteLink: 'https://t.me/+campaignA' } }]);
    await connector.deleteWebhook();
    expect(api.webhook()).toBeUndefined();
  });

  it('wrong or missing secret → 401 and nothing ingested', async () => {
    const { connector } = await open({ config: { webhookSecret: 'right-secret' } });
    const events: InboundEvent[] = [];
    const ingest = async (_: string, e: InboundEvent) => void events.push(e);
    const body = JSON.stringify({ update_id: 9, message: { message_id: 1, from: { id: 1, is_bot: false, first_name: 'X' }, chat: { id: -1001, type: 'supergroup', title: 'G' }, date: 1, text: 'hi' } });
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong-secret' }, { 'x-telegram-bot-api-secret-token': 'right-secre' }]) {
      const r = await connector.handleWebhook({ method: 'POST', query: {}, headers, body }, ingest, 'tg');
      expect(r.status).toBe(401);
    }
    expect(events).toEqual([]);
    const ok = await connector.handleWebhook({ method: 'POST', query: {}, headers: { 'X-Telegram-Bot-Api-Secret-Token': 'right-secret' }, body }, ingest, 'tg');
    expect(ok.status).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['group_seen', 'message']);
  });

  it('without a configured secret, setWebhook refuses and requests are refused', async () => {
    const { connector } = await open();
    const err = await failure(connector.setWebhook('https://chorus.example/hooks/telegram'));
    expect(err.kind).toBe('permanent');
    const r = await connector.handleWebhook({ method: 'POST', query: {}, headers: { 'x-telegram-bot-api-secret-token': '' }, body: '{}' }, async () => {}, 'tg');
    expect(r.status).toBe(401);
  });
});

describe('telegram connector: long polling', () => {
  it('receives injected updates and stops promptly', async () => {
    const { api, connector, chatId } = await open({ config: { channelId: 'tg-poll' } });
    const got: [string, InboundEvent][] = [];
    await connector.start?.(async (id, e) => void got.push([id, e]));
    await until(() => api.calls('getUpdates').length > 0 || undefined);
    await api.join(chatId, { id: 401, first_name: 'Gus' }, { inviteLink: 'https://t.me/+memberLink' });
    await api.say(chatId, 401, 'hello from https://example.org');
    await until(() => got.some(([, e]) => e.type === 'message') || undefined);
    expect(got.map(([id, e]) => [id, e.type])).toEqual([
      ['tg-poll', 'member_joined'],
      ['tg-poll', 'group_seen'],
      ['tg-poll', 'message'],
    ]);
    expect(got[0][1]).toMatchObject({ via: { inviteLink: 'https://t.me/+memberLink' } });
    // Updates carry no group size: the first sight of a group asks for it (Alice, Gus and the bot).
    expect(got[1][1]).toMatchObject({ type: 'group_seen', memberCount: 3 });
    const t0 = Date.now();
    await connector.stop?.();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(api.pendingUpdates()).toBe(0); // what was ingested was confirmed
    const polls = api.calls('getUpdates').length;
    await new Promise((r) => setTimeout(r, 200));
    expect(api.calls('getUpdates').length).toBe(polls);
  });

  it('the bot added to a group: group_seen with its member count; a count refused leaves it out', async () => {
    const { api, connector } = await open();
    const got: InboundEvent[] = [];
    await connector.start?.(async (_id, e) => void got.push(e));
    await until(() => api.calls('getUpdates').length > 0 || undefined);
    await api.addBotToChat('Camp 8', ALICE.id);
    await until(() => got[0]);
    expect(got[0]).toMatchObject({ type: 'group_seen', title: 'Camp 8', memberCount: 2 });
    api.fail(1, { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat', method: 'getChatMemberCount' });
    await api.addBotToChat('Camp 9', ALICE.id);
    await until(() => got[1]);
    expect(got[1]).toMatchObject({ type: 'group_seen', title: 'Camp 9' });
    expect(got[1]).not.toHaveProperty('memberCount');
  });

  it('an update whose ingest failed is fetched again, not lost', async () => {
    const { api, connector, chatId } = await open({ config: { onPollError: () => {} } });
    const got: InboundEvent[] = [];
    let failOnce = true;
    await connector.start?.(async (_id, e) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('database is down');
      }
      got.push(e);
    });
    await until(() => api.calls('getUpdates').length > 0 || undefined);
    await api.join(chatId, { id: 402, first_name: 'Hal' });
    await until(() => got.length > 0 || undefined, 5000);
    expect(got).toMatchObject([{ type: 'member_joined', member: { externalId: '402' } }]);
  });

  it('stops by itself and reports when a webhook is set (409 Conflict)', async () => {
    const { api, connector } = await open({ config: { webhookSecret: 'abc' } });
    await connector.setWebhook('http://127.0.0.1:9/unused');
    const errors: ChannelError[] = [];
    const polling = createTelegramConnector({ token: api.token, apiRoot: api.url, onPollError: (e) => errors.push(e) });
    closers.push(() => polling.stop?.() ?? Promise.resolve());
    await polling.start?.(async () => {});
    await until(() => errors[0]);
    expect(errors[0]).toMatchObject({ kind: 'permanent', platformCode: 409 });
    expect(errors[0].message).toMatch(/webhook/);
  });
});

describe('local Bot API server', () => {
  it('accepts urlencoded and multipart bodies, and its controls work over HTTP', async () => {
    const { api, chatId } = await open();
    const form = await fetch(`${api.url}/bot${api.token}/sendMessage`, { method: 'POST', body: new URLSearchParams({ chat_id: String(chatId), text: 'form' }) });
    expect(await form.json()).toMatchObject({ ok: true, result: { message_id: 1, text: 'form' } });
    const multipart = new FormData();
    multipart.set('chat_id', String(chatId));
    multipart.set('photo', new Blob([Buffer.from([0x89, 0x50])], { type: 'image/png' }), 'poster.png');
    multipart.set('caption', 'upload');
    const up = await fetch(`${api.url}/bot${api.token}/sendPhoto`, { method: 'POST', body: multipart });
    expect(await up.json()).toMatchObject({ ok: true, result: { caption: 'upload' } });
    const bad = await fetch(`${api.url}/bot${api.token}/sendMessage?chat_id=-42&text=x`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    const remote = connectTelegramBotApi(api.url);
    expect(await remote.sentTexts(chatId)).toEqual(['form', 'upload']);
    await remote.rateLimit(1, 3);
    const limited = await fetch(`${api.url}/bot${api.token}/getMe`);
    expect(await limited.json()).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
  });
});

