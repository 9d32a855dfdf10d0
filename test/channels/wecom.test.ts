import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelError, type InboundEvent, type Ingest } from '../../src/channels/port.ts';
import { createWecomConnector, normalize, WECOM_CAPABILITIES, type WecomConfig, type WecomConnector } from '../../src/channels/wecom/index.ts';
import { parseXml, XmlError } from '../../src/channels/wecom/xml.ts';
import { type CallbackFields, startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { connectorContract } from './contract.ts';

const CHAT = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA';
const OWNER = 'zhangsan';
const CUSTOMER = 'wmqfasd1e1927831123109rBAAAA';

async function world(tokenTtlSec?: number): Promise<WecomApiServer> {
  const s = await startWecomApi(tokenTtlSec ? { tokenTtlSec } : {});
  s.addGroup({ chat_id: CHAT, name: 'Camp 7 · 1', owner: OWNER, notice: 'Welcome!', members: [{ userid: CUSTOMER, name: 'Li Lei' }] });
  return s;
}

function connect(s: WecomApiServer, extra: Partial<WecomConfig> = {}): WecomConnector {
  return createWecomConnector({ corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url, ...extra });
}

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
}

connectorContract('wecom', WECOM_CAPABILITIES, async () => {
  const s = await world();
  return {
    connector: connect(s),
    chatId: CHAT,
    userId: CUSTOMER,
    sentTexts: async (chatId) => s.delivered.get(chatId) ?? [],
    title: async (chatId) => s.groups.get(chatId)?.name,
    isMember: async (chatId, userId) => Boolean(s.groups.get(chatId)?.member_list.some((m) => m.userid === userId)),
    imageUrl: s.serveFile('poster.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]), 'image/png'),
    close: () => s.close(),
  };
});

describe('wecom access token', () => {
  let s: WecomApiServer;
  beforeEach(async () => {
    s = await world();
  });
  afterEach(() => s.close());

  it('fetches one token for many calls, also when they start together', async () => {
    const c = connect(s);
    await Promise.all(Array.from({ length: 8 }, () => c.getGroup!(CHAT)));
    for (let i = 0; i < 5; i++) await c.listGroups();
    expect(s.gettokenCalls).toBe(1);
  });

  it.each([
    ['invalid', 40014],
    ['expired', 42001],
  ] as const)('refreshes once when WeCom says the token is %s (%i) and the call succeeds', async (how, code) => {
    const c = connect(s);
    await c.getGroup!(CHAT);
    s.expireTokens(how);
    const before = s.calls.length;
    const g = await c.getGroup!(CHAT);
    expect(s.calls.slice(before).map((x) => [x.path, x.errcode])).toEqual([
      ['externalcontact/groupchat/get', code],
      ['gettoken', 0],
      ['externalcontact/groupchat/get', 0],
    ]);
    expect(g.title).toBe('Camp 7 · 1');
    expect(s.gettokenCalls).toBe(2);
  });

  it('refreshes shortly before expires_in, not after', async () => {
    let clock = 1_000_000;
    const c = connect(s, { now: () => clock });
    await c.getGroup!(CHAT);
    clock += (7200 - 301) * 1000;
    await c.getGroup!(CHAT);
    expect(s.gettokenCalls).toBe(1);
    clock += 2000; // now within the last 5 minutes of the token's life
    await c.getGroup!(CHAT);
    expect(s.gettokenCalls).toBe(2);
  });

  it('a wrong secret is an auth failure whose message never shows the secret', async () => {
    const wrong = `${s.secret}-old`;
    const c = createWecomConnector({ corpId: s.corpId, secret: wrong, token: s.token, aesKey: s.aesKey, apiRoot: s.url });
    const v = await c.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.reason).toMatch(/40001/);
      expect(v.reason).not.toContain(wrong);
    }
    const err = await failure(c.perform({ type: 'post', chatId: CHAT, text: 'hi' }));
    expect(err.kind).toBe('auth');
    expect(`${err.message} ${JSON.stringify(err)} ${JSON.stringify(err.cause ?? null)}`).not.toContain(wrong);
  });
});

describe('wecom errors', () => {
  let s: WecomApiServer;
  let c: WecomConnector;
  beforeEach(async () => {
    s = await world();
    c = connect(s);
  });
  afterEach(() => s.close());

  it('45009 is rate_limited with a wait; 45033 too', async () => {
    s.inject({ path: 'externalcontact/groupchat/get', errcode: 45009 });
    const e1 = await failure(c.getGroup!(CHAT));
    expect([e1.kind, e1.platformCode]).toEqual(['rate_limited', 45009]);
    expect(e1.retryAfterMs).toBeGreaterThan(0);
    s.inject({ path: 'externalcontact/groupchat/get', errcode: 45033 });
    expect((await failure(c.getGroup!(CHAT))).kind).toBe('rate_limited');
  });

  it('-1 (system busy) is transient and is not retried by the connector', async () => {
    s.inject({ path: 'externalcontact/add_msg_template', errcode: -1 });
    const before = s.calls.length;
    const e = await failure(c.perform({ type: 'post', chatId: CHAT, text: 'hello' }));
    expect(e.kind).toBe('transient');
    expect(s.calls.slice(before).filter((x) => x.path === 'externalcontact/add_msg_template')).toHaveLength(1);
  });

  it('permission and IP problems are auth; other codes permanent with the errmsg', async () => {
    s.inject({ errcode: 48002, errmsg: 'api forbidden' });
    expect((await failure(c.getGroup!(CHAT))).kind).toBe('auth');
    s.inject({ errcode: 60020, errmsg: 'not allow to access from your ip' });
    expect((await failure(c.getGroup!(CHAT))).kind).toBe('auth');
    const unknown = await failure(c.getGroup!('wrNOPE'));
    expect(unknown.kind).toBe('permanent');
    expect(unknown.message).toContain('chatid not found');
    expect(unknown.message).not.toContain('hint:');
  });

  it('no answer after sending a post is ambiguous; no connection at all is transient', async () => {
    s.inject({ path: 'externalcontact/add_msg_template', reset: true });
    expect((await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x' }))).kind).toBe('ambiguous');
    s.inject({ path: 'externalcontact/groupchat/get', reset: true });
    expect((await failure(c.getGroup!(CHAT))).kind).toBe('transient');
    const closed = await startWecomApi();
    const url = closed.url;
    await closed.close();
    const gone = createWecomConnector({ corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: url });
    const e = await failure(gone.perform({ type: 'post', chatId: CHAT, text: 'x' }));
    expect(e.kind).toBe('transient');
    expect(`${e.message} ${JSON.stringify(e.cause)}`).not.toContain(s.secret);
  });

  it('never repeats the secret even if WeCom echoed it', async () => {
    s.inject({ path: 'externalcontact/groupchat/get', errcode: 40058, errmsg: `bad request with ${s.secret} inside` });
    const e = await failure(c.getGroup!(CHAT));
    expect(e.message).toContain('[redacted]');
    expect(e.message).not.toContain(s.secret);
  });

  it('refuses what the API cannot do with a plain sentence', async () => {
    const e = await failure(c.perform({ type: 'rename', chatId: CHAT, name: 'x' }));
    expect(e.kind).toBe('permanent');
    expect(e.message).toMatch(/no API to rename/);
    expect((await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x', image: 'a.png' }))).kind).toBe('permanent');
    expect((await failure(c.perform({ type: 'post', chatId: CHAT, text: '字'.repeat(1400) }))).message).toMatch(/longer than WeCom allows/);
  });

  it('config mistakes are reported before anything runs', () => {
    expect(() => createWecomConnector({ corpId: 'ww1', secret: 's', token: 't', aesKey: 'short' })).toThrow(/EncodingAESKey/);
    expect(() => createWecomConnector({ corpId: '', secret: 's', token: 't', aesKey: s.aesKey })).toThrow(/corpId/);
  });
});

describe('wecom posts wait for the staff member', () => {
  let s: WecomApiServer;
  beforeEach(async () => {
    s = await world();
  });
  afterEach(() => s.close());

  it('an answer from the inbox is a plain group message: WeCom cannot quote or mention', async () => {
    const c = connect(s);
    const r = await c.perform({ type: 'post', chatId: CHAT, text: '明晚 8 点', replyTo: { messageId: 'msg-1', userId: 'wm_alice' } });
    expect(r.status).toBe('awaiting_confirmation');
    expect(s.calls.find((x) => x.path === 'externalcontact/add_msg_template')?.body).toEqual({ chat_type: 'group', sender: OWNER, chat_id_list: [CHAT], text: { content: '明晚 8 点' } });
  });

  it('post → awaiting_confirmation → pending → staff confirms → sent with the send time', async () => {
    const c = connect(s);
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'Good morning', link: 'https://shop.example/camp' });
    expect(r.status).toBe('awaiting_confirmation');
    if (r.status !== 'awaiting_confirmation') return;
    const body = s.calls.find((x) => x.path === 'externalcontact/add_msg_template')?.body;
    expect(body).toEqual({ chat_type: 'group', sender: OWNER, chat_id_list: [CHAT], text: { content: 'Good morning\nhttps://shop.example/camp' } });
    expect(await c.confirmation(r.externalId, CHAT)).toEqual({ state: 'pending' });
    expect(s.delivered.get(CHAT)).toBeUndefined();

    s.confirmSend(r.externalId, { sendTime: 1_767_225_600 });
    expect(await c.confirmation(r.externalId, CHAT)).toEqual({ state: 'sent', sentAt: new Date(1_767_225_600_000) });
    expect(s.delivered.get(CHAT)).toEqual(['Good morning\nhttps://shop.example/camp']);
  });

  it('the local server can be driven over HTTP (for workers in another process)', async () => {
    const control = (what: string, body?: unknown) =>
      fetch(`${s.url}/_control/${what}`, { method: body ? 'POST' : 'GET', body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());
    const c = connect(s);
    await control('inject', { path: 'externalcontact/add_msg_template', errcode: 45009 });
    expect((await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x' }))).kind).toBe('rate_limited');
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'over http' });
    if (r.status !== 'awaiting_confirmation') throw new Error('expected a confirmation');
    await control('confirm', { msgid: r.externalId, sendTime: 1_767_000_000 });
    const state = (await control('state')) as { delivered: Record<string, string[]>; gettokenCalls: number };
    expect(state.delivered[CHAT]).toEqual(['over http']);
    expect(state.gettokenCalls).toBe(1);
    expect((await c.confirmation(r.externalId, CHAT)).state).toBe('sent');
  });

  it('a group over its mass-message cap fails with the reason', async () => {
    const c = connect(s);
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'x' });
    if (r.status !== 'awaiting_confirmation') throw new Error('expected a confirmation');
    s.confirmSend(r.externalId, { statuses: { [CHAT]: 3 } });
    const v = await c.confirmation(r.externalId, CHAT);
    expect(v.state).toBe('failed');
    expect(v.reason).toMatch(/most mass messages/);
  });

  it('a configured sender who does not own the group is refused as permanent', async () => {
    s.addGroup({ chat_id: 'wrOTHER', name: 'Other', owner: 'lisi' });
    const c = connect(s, { sender: 'lisi' });
    expect((await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x' }))).kind).toBe('permanent');
  });

  it('remind and cancel reach WeCom', async () => {
    const c = connect(s);
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'x' });
    if (r.status !== 'awaiting_confirmation') throw new Error('expected a confirmation');
    await c.remind(r.externalId);
    await c.remind(r.externalId);
    expect(s.templates.get(r.externalId)?.reminders).toBe(2);
    await c.cancel(r.externalId);
    expect(s.templates.get(r.externalId)?.cancelled).toBe(true);
    expect((await failure(c.remind('msgNOPE'))).kind).toBe('permanent');
  });

  it('direct messages go as single-customer mass messages from a staff member who has the contact', async () => {
    const c = connect(s);
    const r = await c.perform({ type: 'direct_message', userId: CUSTOMER, text: 'How is it going?', chatId: CHAT });
    if (r.status !== 'awaiting_confirmation') throw new Error('expected a confirmation');
    expect(s.templates.get(r.externalId)?.chat_type).toBe('single');
    s.confirmSend(r.externalId, { sendTime: 1_767_000_000 });
    expect((await c.confirmation(r.externalId, CUSTOMER)).state).toBe('sent');
    expect((await failure(c.perform({ type: 'direct_message', userId: 'wmSTRANGER', text: 'hi' }))).kind).toBe('permanent');
  });

  it('listGroups pages through groupchat/list with the cursor and reads each group', async () => {
    for (let i = 0; i < 9; i++) s.addGroup({ chat_id: `wr${String(i).padStart(6, '0')}`, name: `G${i}`, owner: OWNER });
    s.pageCap = 4;
    const c = connect(s);
    const groups = await c.listGroups();
    expect(groups.map((g) => g.chatId)).toEqual([...s.groups.keys()]);
    expect(s.calls.filter((x) => x.path === 'externalcontact/groupchat/list').map((x) => x.body)).toEqual([
      { status_filter: 0, limit: 1000 },
      { status_filter: 0, limit: 1000, cursor: expect.any(String) },
      { status_filter: 0, limit: 1000, cursor: expect.any(String) },
    ]);
    const first = groups.find((g) => g.chatId === CHAT);
    expect(first).toMatchObject({ title: 'Camp 7 · 1', owner: { externalId: OWNER }, notice: 'Welcome!', memberCount: 2 });
    expect(first?.members?.map((m) => m.externalId)).toEqual([OWNER, CUSTOMER]);
  });
});

describe('wecom callbacks', () => {
  let s: WecomApiServer;
  let c: WecomConnector;
  let hook: Server;
  let hookUrl: string;
  let ingested: InboundEvent[];
  let ingest: Ingest;

  beforeEach(async () => {
    s = await world();
    c = connect(s);
    ingested = [];
    ingest = async (_channel, ev) => {
      ingested.push(ev);
    };
    // The server's part: turn an HTTP request into a WebhookRequest and answer with the result.
    hook = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const ch of req) chunks.push(ch as Buffer);
      const u = new URL(req.url ?? '/', 'http://x');
      const r = await c.handleCallback(
        { method: req.method ?? 'GET', query: Object.fromEntries(u.searchParams), headers: {}, body: Buffer.concat(chunks).toString('utf8') },
        (ch, ev) => ingest(ch, ev),
        'chan-1',
      );
      res.writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain' }).end(r.body);
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/wecom/chan-1`;
  });
  afterEach(async () => {
    await new Promise((resolve) => hook.close(resolve));
    await s.close();
  });

  const joined: CallbackFields = { ChatId: CHAT, ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: [CUSTOMER] };

  it('answers the URL verification with the decrypted echostr', async () => {
    const v = s.verificationRequest();
    expect(await s.postCallback(hookUrl, v)).toEqual({ status: 200, body: v.echo });
    const forged = s.verificationRequest({ signature: '0'.repeat(40) });
    expect((await s.postCallback(hookUrl, forged)).status).toBe(401);
  });

  it('ingests an encrypted change_external_chat event, with the group detail filled in', async () => {
    const r = await s.postCallback(hookUrl, s.signedCallback({ ...joined, CreateTime: 1_767_225_600 }));
    expect(r).toEqual({ status: 200, body: 'success' });
    expect(ingested).toEqual([
      {
        type: 'member_joined',
        chatId: CHAT,
        member: { externalId: CUSTOMER, name: 'Li Lei' },
        via: { scene: 'qr_code' },
        at: new Date(1_767_225_600_000),
      },
    ]);
  });

  it('rejects a forged signature, a wrong receive id, a replay and an old timestamp, ingesting nothing', async () => {
    const forged = s.signedCallback(joined, { signature: 'f'.repeat(40) });
    expect((await s.postCallback(hookUrl, forged)).status).toBe(401);
    const other = s.signedCallback(joined, { receiveId: 'wwSOMEONEELSE' });
    expect((await s.postCallback(hookUrl, other)).status).toBe(403);
    const old = s.signedCallback(joined, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect((await s.postCallback(hookUrl, old)).status).toBe(403);
    expect(ingested).toEqual([]);

    const once = s.signedCallback(joined);
    expect((await s.postCallback(hookUrl, once)).status).toBe(200);
    const again = await s.postCallback(hookUrl, once);
    expect(again.status).toBe(403);
    expect(again.body).toMatch(/already received/);
    expect(ingested).toHaveLength(1);
  });

  it('lets WeCom retry a callback whose event could not be stored', async () => {
    let fail = true;
    ingest = async (_ch, ev) => {
      if (fail) throw new Error('database down');
      ingested.push(ev);
    };
    const req = s.signedCallback(joined);
    expect((await s.postCallback(hookUrl, req)).status).toBe(500);
    fail = false;
    expect((await s.postCallback(hookUrl, req)).status).toBe(200);
    expect(ingested).toHaveLength(1);
  });

  it('property: any list of joiners round-trips; any altered ciphertext is refused', async () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(id, { minLength: 1, maxLength: 5 }), fc.nat(), async (ids, flip) => {
        ingested = [];
        const ok = await s.postCallback(hookUrl, s.signedCallback({ ...joined, MemChangeList: ids, MemChangeCnt: ids.length }));
        expect(ok.status).toBe(200);
        expect(ingested.map((e) => (e.type === 'member_joined' ? e.member.externalId : ''))).toEqual(ids);

        const req = s.signedCallback({ ...joined, MemChangeList: ids });
        const enc = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(req.body)![1]!;
        const i = flip % enc.length;
        const altered = enc.slice(0, i) + (enc[i] === 'A' ? 'B' : 'A') + enc.slice(i + 1);
        const bad = await s.postCallback(hookUrl, { ...req, body: req.body.replace(enc, altered) });
        expect(bad.status).toBe(401);
        expect(ingested).toHaveLength(ids.length);
      }),
      { numRuns: 25 },
    );
  });
});

describe('wecom normalize', () => {
  const at = 1_767_225_600;
  const xml = (inner: string) =>
    `<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${at}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrC]]></ChatId>${inner}</xml>`;
  const when = new Date(at * 1000);
  const detail = {
    chat_id: 'wrC',
    name: 'New name',
    owner: 'boss',
    notice: 'Rules: be kind',
    member_list: [
      { userid: 'boss', type: 1 as const },
      { userid: 'wmA', type: 2 as const, join_scene: 2, invitor: { userid: 'boss' }, group_nickname: 'Ann' },
    ],
  };

  it('create → group_seen (with title and size when the detail is known)', () => {
    expect(normalize(xml('<ChangeType><![CDATA[create]]></ChangeType>'), detail)).toMatchObject([
      { type: 'group_seen', chatId: 'wrC', title: 'New name', memberCount: 2, at: when },
    ]);
  });

  it('update add_member → member_joined per id, scene in words, inviter from the detail', () => {
    const x = xml('<ChangeType>update</ChangeType><UpdateDetail>add_member</UpdateDetail><JoinScene>0</JoinScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item>wmA</Item><Item>wmB</Item></MemChangeList>');
    expect(normalize(x, detail)).toEqual([
      { type: 'member_joined', chatId: 'wrC', member: { externalId: 'wmA', name: 'Ann' }, via: { scene: 'invite_link', inviter: { externalId: 'boss' } }, at: when },
      { type: 'member_joined', chatId: 'wrC', member: { externalId: 'wmB' }, via: { scene: 'invited_by_member' }, at: when },
    ]);
    const qr = xml('<ChangeType>update</ChangeType><UpdateDetail>add_member</UpdateDetail><JoinScene>3</JoinScene><MemChangeList><Item>wmZ</Item></MemChangeList>');
    expect(normalize(qr)).toMatchObject([{ via: { scene: 'qr_code' } }]);
  });

  it('update del_member → member_left, voluntary (QuitScene 0) or removed (1)', () => {
    const left = (scene: number) =>
      normalize(xml(`<ChangeType>update</ChangeType><UpdateDetail>del_member</UpdateDetail><QuitScene>${scene}</QuitScene><MemChangeList><Item>wmA</Item></MemChangeList>`));
    expect(left(0)).toEqual([{ type: 'member_left', chatId: 'wrC', member: { externalId: 'wmA' }, reason: 'voluntary', at: when }]);
    expect(left(1)).toMatchObject([{ reason: 'removed' }]);
  });

  it('member changes without MemChangeList ask for reconciliation (group_seen)', () => {
    const x = xml('<ChangeType>update</ChangeType><UpdateDetail>del_member</UpdateDetail><QuitScene>0</QuitScene><MemChangeCnt>3</MemChangeCnt>');
    expect(normalize(x)).toMatchObject([{ type: 'group_seen', chatId: 'wrC' }]);
  });

  it('change_name → group_renamed with the new title; change_notice → announcement_changed', () => {
    expect(normalize(xml('<ChangeType>update</ChangeType><UpdateDetail>change_name</UpdateDetail>'), detail)).toEqual([
      { type: 'group_renamed', chatId: 'wrC', title: 'New name', at: when },
    ]);
    expect(normalize(xml('<ChangeType>update</ChangeType><UpdateDetail>change_name</UpdateDetail>'))).toMatchObject([{ type: 'group_seen' }]);
    expect(normalize(xml('<ChangeType>update</ChangeType><UpdateDetail>change_notice</UpdateDetail>'), detail)).toEqual([
      { type: 'announcement_changed', chatId: 'wrC', text: 'Rules: be kind', at: when },
    ]);
  });

  it('change_owner → group_seen; dismiss → group_dismissed; other events → nothing', () => {
    expect(normalize(xml('<ChangeType>update</ChangeType><UpdateDetail>change_owner</UpdateDetail>'))).toMatchObject([{ type: 'group_seen' }]);
    expect(normalize(xml('<ChangeType>dismiss</ChangeType>'))).toEqual([{ type: 'group_dismissed', chatId: 'wrC', at: when }]);
    const contact = xml('<ChangeType>add_external_contact</ChangeType>').replace('change_external_chat', 'change_external_contact');
    expect(normalize(contact)).toEqual([]);
  });

  it('the XML reader refuses DOCTYPEs and broken documents', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><xml/>')).toThrow(XmlError);
    expect(() => parseXml('<xml><A>1</B></xml>')).toThrow(XmlError);
    expect(parseXml('<xml><A>a &amp; b</A></xml>').children[0]?.text).toBe('a & b');
  });
});
