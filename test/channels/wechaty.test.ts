// The Wechaty connector end to end on wechaty-puppet-mock: the shared contract, inbound room
// events reaching ingest, outbound actions observed on the mock WeChat side, error kinds, and the
// same connector reaching the mock through the puppet-service gRPC protocol.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { log } from 'wechaty';
import { ChannelError, type InboundEvent } from '../../src/channels/port.ts';
import { toChannelError } from '../../src/channels/wechaty/errors.ts';
import { createWechatyConnector, WECHATY_CAPABILITIES, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { extractLinks, normalizeWechatyEvent } from '../../src/channels/wechaty/normalize.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';
import { startMockPuppetService } from '../support/wechaty-service.ts';
import { type ContractHarness, connectorContract } from './contract.ts';

// Wechaty and the puppet service log warnings for every mock quirk; the assertions say what matters.
log.level('silent');

/** Collects ingested events; `waitFor` resolves on the first match or fails after a bounded time. */
class Inbox {
  readonly events: InboundEvent[] = [];
  private waiters: Array<{ match: (e: InboundEvent) => boolean; resolve: (e: InboundEvent) => void }> = [];

  readonly ingest = async (channelId: string, event: InboundEvent): Promise<void> => {
    expect(channelId).toBe('wx-test');
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  };

  waitFor<T extends InboundEvent['type']>(
    type: T,
    match: (e: Extract<InboundEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<InboundEvent, { type: T }>> {
    type E = Extract<InboundEvent, { type: T }>;
    const test = (e: InboundEvent): boolean => e.type === type && match(e as E);
    const found = this.events.find(test);
    if (found) return Promise.resolve(found as E);
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; got: ${this.events.map((e) => e.type).join(', ')}`)), timeoutMs);
      this.waiters.push({
        match: test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as E);
        },
      });
    });
  }
}

/** Re-checks `check` on each turn of the event loop until it holds, for at most `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Running {
  world: MockWeChat;
  connector: WechatyConnector;
  inbox: Inbox;
  close(): Promise<void>;
}

const open: Running[] = [];

async function startWorld(opts: { login?: boolean } = {}): Promise<Running> {
  const world = createMockWeChat();
  const inbox = new Inbox();
  const errors: string[] = [];
  const connector = createWechatyConnector({ puppet: world.puppet, channelId: 'wx-test', onError: (m) => errors.push(m) });
  await connector.start(inbox.ingest);
  if (opts.login !== false) {
    world.login();
    await until('the login', async () => (await connector.verify()).ok);
  }
  const running = { world, connector, inbox, close: () => connector.stop() };
  open.push(running);
  return running;
}

afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
}

// The puppet downloads a FileBox given by URL: a tiny local file server for the contract's image.
let posterUrl: string | undefined;
async function poster(): Promise<string> {
  if (posterUrl) return posterUrl;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
  const srv = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(png));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  srv.unref();
  posterUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/poster.png`;
  return posterUrl;
}

connectorContract('wechaty', WECHATY_CAPABILITIES, async (): Promise<ContractHarness> => {
  const { world, connector, close } = await startWorld();
  return {
    imageUrl: await poster(),
    connector,
    chatId: world.room.id,
    userId: world.alice.id,
    sentTexts: async (chatId) => world.sentTexts(chatId),
    title: async (chatId) => world.title(chatId),
    isMember: async (chatId, userId) => world.isMember(chatId, userId),
    close,
  };
});

describe('wechaty connector: logging in', () => {
  it('asks for the QR code scan before login, exposes the QR value, then names the account', async () => {
    const { world, connector } = await startWorld({ login: false });
    const shown: string[] = [];
    connector.onLoginQr((qr) => shown.push(`${qr.status}:${qr.value}`));
    world.showLoginQr('https://login.weixin.qq.com/l/abc123');
    await until('the QR code', () => connector.loginQr() !== undefined);
    expect(shown).toEqual(['waiting:https://login.weixin.qq.com/l/abc123']);
    const before = await connector.verify();
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.reason).toMatch(/scan the login QR code/);
    await expect(connector.perform({ type: 'post', chatId: world.room.id, text: 'hi' })).rejects.toMatchObject({ kind: 'auth' });

    world.login();
    await until('the login', async () => (await connector.verify()).ok);
    expect(await connector.verify()).toEqual({ ok: true, identity: 'Chorus Bot' });
    expect(connector.loginQr()).toBeUndefined();
  });

  it('says in plain words when the puppet package is not installed', async () => {
    const connector = createWechatyConnector({ puppet: 'wechaty-puppet-not-installed-here', puppetToken: 'secret-token-123' });
    const v = await connector.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.reason).toMatch(/wechaty-puppet-not-installed-here is not installed/);
      expect(v.reason).not.toContain('secret-token-123');
    }
  });
});

describe('wechaty connector: inbound room events reach ingest', () => {
  it('normalizes join (with inviter), leave, removal, rename and a message with a link and a mention', async () => {
    const { world, inbox } = await startWorld();
    const { room, alice, bob, carol, mocker } = world;
    const dave = mocker.createContact({ name: 'Dave' });

    room.add(carol).by(alice);
    const joined = await inbox.waitFor('member_joined', (e) => e.member.externalId === carol.id);
    expect(joined).toMatchObject({ chatId: room.id, member: { name: 'Carol' }, via: { inviter: { externalId: alice.id, name: 'Alice' } } });

    room.add(dave).by(bob);
    await inbox.waitFor('member_joined', (e) => e.member.externalId === dave.id);
    room.remove(dave).by(dave);
    const left = await inbox.waitFor('member_left', (e) => e.member.externalId === dave.id);
    expect(left.reason).toBe('voluntary');
    expect(left.by).toBeUndefined();

    room.remove(carol).by(alice);
    const removed = await inbox.waitFor('member_left', (e) => e.member.externalId === carol.id);
    expect(removed).toMatchObject({ reason: 'removed', by: { externalId: alice.id } });

    room.topic('Camp 1 · week 2').by(bob);
    const renamed = await inbox.waitFor('group_renamed');
    expect(renamed).toMatchObject({ chatId: room.id, title: 'Camp 1 · week 2', by: { externalId: bob.id } });

    alice.say('Read this https://example.com/guide?x=1，thanks @Bob', [bob]).to(room);
    const msg = await inbox.waitFor('message', (e) => e.from.externalId === alice.id);
    expect(msg).toMatchObject({
      chatId: room.id,
      text: 'Read this https://example.com/guide?x=1，thanks @Bob',
      links: ['https://example.com/guide?x=1'],
      mentions: [bob.id],
      from: { name: 'Alice' },
    });
    expect(msg.messageId).toBeTruthy();
    expect(msg.at).toBeInstanceOf(Date);

    // The room was new to the connector: exactly one group_seen, before any of its events.
    expect(inbox.events[0]).toMatchObject({ type: 'group_seen', chatId: room.id });
    expect(inbox.events.filter((e) => e.type === 'group_seen')).toHaveLength(1);
  });

  it('reports its own removal from a group as access lost', async () => {
    const { world, inbox } = await startWorld();
    world.room.remove(world.me).by(world.alice);
    const lost = await inbox.waitFor('access_lost');
    expect(lost.chatId).toBe(world.room.id);
    expect(lost.reason).toMatch(/removed from the group by Alice/);
    expect(inbox.events.some((e) => e.type === 'member_left')).toBe(false);
  });
});

describe('wechaty connector: outbound actions, observed on the WeChat side', () => {
  it('posts with the link on its own line and returns the message id', async () => {
    const { world, connector, inbox } = await startWorld();
    const r = await connector.perform({ type: 'post', chatId: world.room.id, text: 'Day 1 starts now', link: 'https://shop.example/camp' });
    expect(world.sentTexts(world.room.id)).toEqual(['Day 1 starts now\nhttps://shop.example/camp']);
    expect(r.status).toBe('done');
    if (r.status === 'done') expect(r.messageId).toBe(world.puppet.sent[0]?.messageId);
    // WeChat echoes the account's own message; it arrives marked as the bot's.
    const echo = await inbox.waitFor('message', (e) => e.from.externalId === world.me.id);
    expect(echo.from.isBot).toBe(true);
    expect(echo.links).toEqual(['https://shop.example/camp']);
  });

  it('answers a question (the inbox) with an @-mention of the asker: WeChat has no reply', async () => {
    const { world, connector } = await startWorld();
    await connector.perform({ type: 'post', chatId: world.room.id, text: '明晚 8 点', replyTo: { messageId: 'msg-1', userId: world.alice.id } });
    const [sent] = world.sentTexts(world.room.id);
    expect(sent).toMatch(/^@Alice\s明晚 8 点$/);
  });

  it('renames, announces, adds and removes members, sends privately, creates a group', async () => {
    const { world, connector, inbox } = await startWorld();
    const { room, me, alice, bob, carol } = world;

    await connector.perform({ type: 'rename', chatId: room.id, name: 'Camp 1 — finals' });
    expect(world.title(room.id)).toBe('Camp 1 — finals');
    expect(await inbox.waitFor('group_renamed')).toMatchObject({ title: 'Camp 1 — finals', by: { externalId: me.id, isBot: true } });

    await connector.perform({ type: 'announce', chatId: room.id, text: 'Rules: be kind.' });
    expect(world.puppet.announcements.get(room.id)).toBe('Rules: be kind.');

    await connector.perform({ type: 'add_member', chatId: room.id, userId: carol.id });
    expect(world.isMember(room.id, carol.id)).toBe(true);
    expect(await inbox.waitFor('member_joined', (e) => e.member.externalId === carol.id)).toMatchObject({
      via: { inviter: { externalId: me.id } },
    });

    const removal = await connector.perform({ type: 'remove_member', chatId: room.id, userId: bob.id, ban: true });
    expect(world.isMember(room.id, bob.id)).toBe(false);
    if (removal.status === 'done') expect(removal.data).toEqual({ banned: false });
    expect(await inbox.waitFor('member_left', (e) => e.member.externalId === bob.id)).toMatchObject({ reason: 'removed' });

    const dm = await connector.perform({ type: 'direct_message', userId: carol.id, text: 'Welcome, Carol!' });
    expect(world.puppet.sent.at(-1)).toMatchObject({ conversationId: carol.id, text: 'Welcome, Carol!' });
    if (dm.status === 'done') expect(dm.messageId).toBeTruthy();

    const created = await connector.perform({ type: 'create_group', name: 'Camp 2', memberIds: [alice.id, carol.id] });
    const newId = created.status === 'done' ? String(created.data?.chatId) : '';
    expect(world.title(newId)).toBe('Camp 2');
    expect(world.isMember(newId, carol.id)).toBe(true);

    const groups = await connector.listGroups();
    expect(groups.map((g) => g.title).sort()).toEqual(['Camp 1 — finals', 'Camp 2']);
    expect(groups.find((g) => g.chatId === room.id)?.memberCount).toBe(3);
    const info = await connector.getGroup(room.id);
    expect(info.members?.map((m) => m.name).sort()).toEqual(['Alice', 'Carol', 'Chorus Bot']);
  });

  it('returns the group join QR link, valid for 7 days', async () => {
    const { world, connector } = await startWorld();
    const r = await connector.perform({ type: 'create_invite_link', chatId: world.room.id });
    expect(r.status).toBe('done');
    if (r.status !== 'done') return;
    expect(String(r.data?.inviteLink)).toMatch(/^https:\/\/weixin\.qq\.com\/g\//);
    const expiresAt = r.data?.expiresAt;
    expect(expiresAt).toBeInstanceOf(Date);
    const days = ((expiresAt as Date).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
  });
});

describe('wechaty connector: errors', () => {
  it('a group that does not exist is permanent and nothing is sent', async () => {
    const { world, connector } = await startWorld();
    const err = await failure(connector.perform({ type: 'post', chatId: 'missing@chatroom', text: 'hello' }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/not found/);
    expect(world.puppet.sent).toHaveLength(0);
  });

  it('classifies puppet failures: time-out on a send is ambiguous, elsewhere transient; slow down, logout, no rights', async () => {
    const { world, connector } = await startWorld();
    const chatId = world.room.id;
    world.puppet.failNext('say', 'timeout');
    expect((await failure(connector.perform({ type: 'post', chatId, text: 'a' }))).kind).toBe('ambiguous');
    world.puppet.failNext('topic', 'timeout');
    expect((await failure(connector.perform({ type: 'rename', chatId, name: 'x' }))).kind).toBe('transient');
    world.puppet.failNext('say', 'unavailable');
    expect((await failure(connector.perform({ type: 'post', chatId, text: 'b' }))).kind).toBe('transient');
    world.puppet.failNext('say', 'rate_limited');
    const slow = await failure(connector.perform({ type: 'post', chatId, text: 'c' }));
    expect(slow.kind).toBe('rate_limited');
    expect(slow.retryAfterMs).toBeGreaterThan(0);
    world.puppet.failNext('announce', 'permission');
    expect((await failure(connector.perform({ type: 'announce', chatId, text: 'd' }))).kind).toBe('permanent');
    world.puppet.failNext('say', 'logged_out');
    expect((await failure(connector.perform({ type: 'post', chatId, text: 'e' }))).kind).toBe('auth');
    expect(world.puppet.sent).toHaveLength(0);
    // The failures were one-offs: the next post goes through.
    await connector.perform({ type: 'post', chatId, text: 'f' });
    expect(world.sentTexts(chatId)).toEqual(['f']);
  });

  it('refuses what it cannot do before touching WeChat, in plain words', async () => {
    const { world, connector } = await startWorld();
    const img = await failure(connector.perform({ type: 'post', chatId: world.room.id, text: 'see', image: 'file:///etc/passwd' }));
    expect(img.kind).toBe('permanent');
    expect(img.message).toMatch(/not an http\(s\) link/);
    const small = await failure(connector.perform({ type: 'create_group', name: 'Tiny', memberIds: [world.alice.id] }));
    expect(small.message).toMatch(/at least two other members/);
    const limit = await failure(connector.perform({ type: 'create_invite_link', chatId: world.room.id, memberLimit: 10 }));
    expect(limit.kind).toBe('permanent');
    expect(world.puppet.sent).toHaveLength(0);
  });

  it('never puts the puppet token in a message', () => {
    const token = 'puppet_padlocal_0123456789abcdef';
    const err = toChannelError(new Error(`login failed for token ${token}: socket hang up`), { doing: 'posting', sendType: true, secrets: [token] });
    expect(err.kind).toBe('ambiguous');
    expect(err.message).not.toContain(token);
    expect(err.message).toContain('[redacted]');
  });
});

describe('wechaty normalize (pure)', () => {
  it('finds links followed by Chinese or sentence punctuation', () => {
    // Parentheses and a final punctuation mark are left to the examples below.
    const plain = fc.webUrl({ withQueryParameters: true }).filter((u) => !/[.,;:!?\]}]$/.test(u) && !/['"<>()]/.test(u));
    fc.assert(
      fc.property(plain, fc.constantFrom('，', '。', '！', ' ', '.', ')', ''), (url, after) => {
        expect(extractLinks(`看这里${url}${after}谢谢`)).toEqual([url]);
      }),
    );
    expect(extractLinks('(see https://en.wikipedia.org/wiki/Fish_(food)).')).toEqual(['https://en.wikipedia.org/wiki/Fish_(food)']);
    expect(extractLinks('两个链接：https://a.cn/x?y=1，和https://b.cn。')).toEqual(['https://a.cn/x?y=1', 'https://b.cn']);
  });

  it('a join of the account itself is the group being seen, not a member joining', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    const events = normalizeWechatyEvent(
      { kind: 'room-join', room: { id: 'r@chatroom', topic: 'New', memberCount: 3 }, invitees: [{ id: 'me', self: true }], inviter: { id: 'a' }, at },
      true,
    );
    expect(events).toEqual([{ type: 'group_seen', chatId: 'r@chatroom', title: 'New', memberCount: 3, at }]);
  });
});

describe('wechaty connector over the puppet-service gRPC protocol', () => {
  it('logs in, posts, receives a message and reports an unreachable service as transient', async () => {
    const service = await startMockPuppetService();
    const inbox = new Inbox();
    const connector = createWechatyConnector({ ...service.connectorConfig, channelId: 'wx-test', onError: () => undefined });
    try {
      await connector.start(inbox.ingest);
      const post = (path: string, body: unknown) =>
        fetch(`${service.controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
      await post('/login', {});
      await until('the login over gRPC', async () => (await connector.verify()).ok);
      const state = (await fetch(`${service.controlUrl}/state`).then((r) => r.json())) as {
        room: string;
        contacts: Record<string, string>;
        sent: Array<{ text: string }>;
      };

      await connector.perform({ type: 'post', chatId: state.room, text: 'over the wire' });
      const after = (await fetch(`${service.controlUrl}/state`).then((r) => r.json())) as { sent: Array<{ text: string }> };
      expect(after.sent.map((s) => s.text)).toEqual(['over the wire']);

      await post('/message', { roomId: state.room, talkerId: state.contacts.Alice, text: 'hi from Alice' });
      const msg = await inbox.waitFor('message', (e) => e.text === 'hi from Alice');
      expect(msg.from.externalId).toBe(state.contacts.Alice);

      await service.close();
      const err = await failure(connector.perform({ type: 'rename', chatId: state.room, name: 'offline' }));
      expect(err.kind).toBe('transient');
      expect(err.message).toMatch(/not reachable/);
      // Even for a send: the client had no connection, so nothing left this machine.
      const send = await failure(connector.perform({ type: 'post', chatId: state.room, text: 'offline post' }));
      expect(send.kind).toBe('transient');
    } finally {
      await connector.stop();
      await service.close().catch(() => undefined);
    }
  });
});

describe('wechaty connector: images and files', () => {
  let files: Server;
  let base = '';
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 2)]);
  beforeAll(async () => {
    files = createServer((req, res) => {
      if (req.url === '/poster.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (req.url === '/schedule.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 week one');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => files.close(() => r())));

  it('sends the text, then the image and the file as WeChat files (FileBox from the link)', async () => {
    const { world, connector } = await startWorld();
    const r = await connector.perform({ type: 'post', chatId: world.room.id, text: 'Week 1', image: `${base}/poster.png`, file: `${base}/schedule.pdf` });
    expect(r.status).toBe('done');
    const sent = world.puppet.sent.filter((s) => s.conversationId === world.room.id);
    expect(sent.map((s) => [s.kind, s.text])).toEqual([
      ['text', 'Week 1'],
      ['file', 'poster.png'],
      ['file', 'schedule.pdf'],
    ]);
    expect(sent[1].bytes).toBe(PNG.length);
    if (r.status === 'done') expect(r.data?.fileMessageIds).toEqual([sent[1].messageId, sent[2].messageId]);
  });

  it('a file that fails after the text went out is ambiguous (never resent); before anything went out it is not', async () => {
    const { world, connector } = await startWorld();
    world.puppet.failNext('file', 'unavailable');
    const partly = await failure(connector.perform({ type: 'post', chatId: world.room.id, text: 'Week 1', image: `${base}/poster.png` }));
    expect(partly.kind).toBe('ambiguous');
    expect(partly.message).toMatch(/poster\.png did not/);
    world.puppet.failNext('file', 'unavailable');
    const nothing = await failure(connector.perform({ type: 'post', chatId: world.room.id, text: '', image: `${base}/poster.png` }));
    expect(nothing.kind).toBe('transient');
    const link = await failure(connector.perform({ type: 'post', chatId: world.room.id, text: 'x', image: 'ftp://example.com/a.png' }));
    expect(link.kind).toBe('permanent');
  });
});
