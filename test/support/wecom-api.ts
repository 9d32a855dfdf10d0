// A local WeCom server API (qyapi.weixin.qq.com) for tests, following the official docs: paths,
// request fields, response shapes, errcodes and errmsgs. It keeps customer groups with owners and
// members, mass-message templates with per-sender tasks, access tokens that expire, and can be
// told to fail (errcode injection, connection resets), to have a staff member confirm a send, and
// to produce callbacks signed and encrypted exactly as WeCom does (@wecom/crypto).
// Listens on 127.0.0.1:<random>. Usable from other processes through the /_control/* routes.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encrypt, getSignature } from '@wecom/crypto';
import type { GroupChatDetail, GroupChatMember } from '../../src/channels/wecom/groupchat.ts';
import { OK, ROUTES, reply } from './wecom-api-routes.ts';

export interface Template {
  msgid: string;
  chat_type: 'single' | 'group';
  sender?: string;
  text?: { content: string };
  attachments?: unknown[];
  create_time: number;
  /** userid → task (status 0 not sent, 2 sent). */
  tasks: Map<string, { status: 0 | 2; send_time?: number }>;
  /** One row per target (chat_id for groups, external_userid for customers). */
  results: { userid: string; chat_id?: string; external_userid?: string; status: number; send_time?: number }[];
  reminders: number;
  cancelled: boolean;
}

export interface Media {
  media_id: string;
  type: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  created_at: number;
}

/** A 「加入群聊」 configuration, as get_join_way returns it, and the groups WeCom created for it. */
export interface JoinWay {
  config_id: string;
  scene: 1 | 2;
  remark: string;
  auto_create_room: 0 | 1;
  room_base_name: string;
  room_base_id: number;
  chat_id_list: string[];
  state: string;
  /** Not in the API: the groups WeCom created through this configuration, in order. */
  created: string[];
}

export interface Injection {
  /** e.g. "externalcontact/add_msg_template" or "gettoken"; all paths when absent. */
  path?: string;
  errcode?: number;
  errmsg?: string;
  /** Destroy the connection after reading the request (the caller never gets an answer). */
  reset?: boolean;
  times?: number;
}

export interface CallbackFields {
  ChatId: string;
  ChangeType: 'create' | 'update' | 'dismiss';
  UpdateDetail?: string;
  JoinScene?: number;
  QuitScene?: number;
  MemChangeCnt?: number;
  MemChangeList?: string[];
  CreateTime?: number;
  Event?: string;
}

export interface CallbackOptions {
  timestamp?: number;
  nonce?: string;
  receiveId?: string;
  /** Replace the computed msg_signature (forgeries). */
  signature?: string;
}

export interface SignedRequest {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export class WecomApiServer {
  readonly corpId: string;
  readonly secret: string;
  readonly token: string;
  readonly aesKey: string;
  tokenTtlSec: number;
  /** At most this many items per page, whatever `limit` asks: WeCom's limit is only "预期请求的数据量". */
  pageCap = Number.POSITIVE_INFINITY;
  url = '';
  readonly groups = new Map<string, GroupChatDetail & { status: number }>();
  readonly templates = new Map<string, Template>();
  readonly joinWays = new Map<string, JoinWay>();
  /** How many people a customer group admits through a join QR code before WeCom counts it full. */
  groupLimit = 500;
  /** staff userid → their customer contacts (external_userid). */
  readonly contacts = new Map<string, Set<string>>();
  /** Texts delivered into each chat (after the staff member confirmed). */
  readonly delivered = new Map<string, string[]>();
  /**
   * Mass messages each customer received, by month (`<external_userid> <yyyy-mm>`): "同一个企业每个
   * 自然月内仅可针对一个客户/客户群发送4条消息，超过接收上限的客户将无法再收到群发消息" (创建企业群发).
   */
  readonly receivedThisMonth = new Map<string, number>();
  /** Temporary materials (media/upload): media_id → what was uploaded. */
  readonly media = new Map<string, Media>();
  /** Files this server also serves at /_files/<name> (the images and files a sheet links to). */
  readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  /** The server's clock (epoch ms): temporary materials expire three days after their upload. */
  now: () => number = Date.now;
  /** Every API call received, with the errcode it was answered with. */
  readonly calls: { path: string; body: unknown; errcode?: number }[] = [];
  gettokenCalls = 0;
  #tokens = new Map<string, { expiresAt: number; invalid: boolean }>();
  #injections: Injection[] = [];
  #server: Server | undefined;

  constructor(opts: { corpId?: string; secret?: string; token?: string; aesKey?: string; tokenTtlSec?: number } = {}) {
    this.corpId = opts.corpId ?? `ww${randomBytes(8).toString('hex')}`;
    // Shaped like WeCom's own: a Secret is 43 characters, an EncodingAESKey 43 letters and digits.
    this.secret = opts.secret ?? randomBytes(32).toString('base64url').slice(0, 43);
    this.token = opts.token ?? `tk${randomBytes(6).toString('hex')}`;
    this.aesKey = opts.aesKey ?? randomBytes(22).toString('hex').slice(0, 43);
    this.tokenTtlSec = opts.tokenTtlSec ?? 7200;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  // ── state and controls ──────────────────────────────────────────────────────────────────────

  addGroup(g: { chat_id: string; name: string; owner: string; notice?: string; members?: Partial<GroupChatMember>[] }): void {
    const owner: GroupChatMember = { userid: g.owner, type: 1, join_time: 1_700_000_000, join_scene: 1 };
    const members = (g.members ?? []).map((m) => ({ type: 2 as const, join_time: 1_700_000_100, join_scene: 3, ...m }) as GroupChatMember);
    this.groups.set(g.chat_id, {
      chat_id: g.chat_id,
      name: g.name,
      owner: g.owner,
      create_time: 1_700_000_000,
      notice: g.notice ?? '',
      member_list: [owner, ...members],
      admin_list: [],
      status: 0,
    });
    for (const m of members) if (m.type === 2) this.addContact(g.owner, m.userid);
  }

  /** The owner renames the group in the client (WeCom would send an update/change_name callback). */
  renameGroup(chatId: string, name: string): void {
    const g = this.groups.get(chatId);
    if (!g) throw new Error(`no group ${chatId}`);
    g.name = name;
  }

  /** The owner dismisses the group: it leaves groupchat/list, and groupchat/get answers 40050. */
  dismissGroup(chatId: string): void {
    this.groups.delete(chatId);
  }

  /**
   * A customer scans a join QR code (「加入群聊」): WeCom puts them into the first of its groups
   * that is not full — the configured ones, then those it created for it — and, when all are full
   * and `auto_create_room` is 1, creates the next group "<room_base_name><room_base_id + n>" first.
   * The docs do not name the new group's owner: here it is the owner of the last configured group.
   * The member carries the join way's `state` (groupchat/get member_list.state). Returns where they
   * went; WeCom would then call back (create for a new group, update/add_member for the join).
   */
  scanJoinWay(configId: string, person: { userid: string; name?: string }, at = Math.floor(Date.now() / 1000)): { chatId: string; created: boolean } | undefined {
    const w = this.joinWays.get(configId);
    if (!w) throw new Error(`no join way ${configId}`);
    let chatId = [...w.chat_id_list, ...w.created].find((id) => {
      const g = this.groups.get(id);
      return g && g.member_list.length < this.groupLimit;
    });
    let created = false;
    if (!chatId) {
      if (w.auto_create_room !== 1) return undefined;
      const owner = this.groups.get(w.chat_id_list[w.chat_id_list.length - 1]!)?.owner ?? 'unknown';
      chatId = `wrAuto${randomBytes(10).toString('hex')}`;
      this.addGroup({ chat_id: chatId, name: `${w.room_base_name}${w.room_base_id + w.created.length}`, owner });
      this.groups.get(chatId)!.create_time = at;
      w.created.push(chatId);
      created = true;
    }
    const g = this.groups.get(chatId)!;
    g.member_list.push({ userid: person.userid, type: 2, join_time: at, join_scene: 3, ...(person.name ? { name: person.name } : {}), ...(w.state ? { state: w.state } : {}) });
    return { chatId, created };
  }

  addContact(staff: string, externalUserid: string): void {
    const set = this.contacts.get(staff) ?? new Set<string>();
    set.add(externalUserid);
    this.contacts.set(staff, set);
  }

  /** Serves `bytes` at <url>/_files/<name> and returns that address. */
  serveFile(name: string, bytes: Buffer, contentType: string): string {
    this.files.set(name, { bytes, contentType });
    return `${this.url}/_files/${encodeURIComponent(name)}`;
  }

  inject(i: Injection): void {
    this.#injections.push({ times: 1, ...i });
  }

  /** Makes every issued token fail: `expired` → 42001, `invalid` → 40014. */
  expireTokens(how: 'expired' | 'invalid' = 'expired'): void {
    for (const t of this.#tokens.values()) {
      if (how === 'expired') t.expiresAt = 0;
      else t.invalid = true;
    }
  }

  /** The staff member confirms the send in the WeCom client. */
  confirmSend(msgid: string, opts: { userid?: string; sendTime?: number; statuses?: Record<string, number> } = {}): void {
    const t = this.templates.get(msgid);
    if (!t) throw new Error(`no template ${msgid}`);
    const sendTime = opts.sendTime ?? Math.floor(Date.now() / 1000);
    for (const [userid, task] of t.tasks) {
      if (opts.userid && userid !== opts.userid) continue;
      task.status = 2;
      task.send_time = sendTime;
      for (const r of t.results.filter((x) => x.userid === userid && x.status === 0)) {
        r.status = opts.statuses?.[r.chat_id ?? r.external_userid ?? ''] ?? 1;
        // A customer over the month's allowance does not receive it: status 3, "因客户已经收到其他群发消息导致发送失败".
        const month = r.external_userid ? `${r.external_userid} ${new Date(sendTime * 1000).toISOString().slice(0, 7)}` : undefined;
        if (r.status === 1 && month && (this.receivedThisMonth.get(month) ?? 0) >= 4) r.status = 3;
        if (r.status === 1) {
          r.send_time = sendTime;
          const to = r.chat_id ?? r.external_userid;
          if (to) this.delivered.set(to, [...(this.delivered.get(to) ?? []), t.text?.content ?? '']);
          if (month) this.receivedThisMonth.set(month, (this.receivedThisMonth.get(month) ?? 0) + 1);
        }
      }
    }
  }

  /** A callback as WeCom sends it: inner XML encrypted with the AES key, msg_signature over it. */
  signedCallback(fields: CallbackFields, opts: CallbackOptions = {}): SignedRequest {
    const f: string[] = [
      `<ToUserName><![CDATA[${this.corpId}]]></ToUserName>`,
      '<FromUserName><![CDATA[sys]]></FromUserName>',
      `<CreateTime>${fields.CreateTime ?? Math.floor(Date.now() / 1000)}</CreateTime>`,
      '<MsgType><![CDATA[event]]></MsgType>',
      `<Event><![CDATA[${fields.Event ?? 'change_external_chat'}]]></Event>`,
      `<ChatId><![CDATA[${fields.ChatId}]]></ChatId>`,
      `<ChangeType><![CDATA[${fields.ChangeType}]]></ChangeType>`,
    ];
    if (fields.UpdateDetail) f.push(`<UpdateDetail><![CDATA[${fields.UpdateDetail}]]></UpdateDetail>`);
    if (fields.JoinScene !== undefined) f.push(`<JoinScene>${fields.JoinScene}</JoinScene>`);
    if (fields.QuitScene !== undefined) f.push(`<QuitScene>${fields.QuitScene}</QuitScene>`);
    if (fields.MemChangeCnt !== undefined) f.push(`<MemChangeCnt>${fields.MemChangeCnt}</MemChangeCnt>`);
    if (fields.MemChangeList) f.push(`<MemChangeList>${fields.MemChangeList.map((i) => `<Item><![CDATA[${i}]]></Item>`).join('')}</MemChangeList>`);
    const inner = `<xml>${f.join('')}</xml>`;
    const ciphered = encrypt(this.aesKey, inner, opts.receiveId ?? this.corpId);
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? String(Math.floor(Math.random() * 1e10));
    const body = `<xml><ToUserName><![CDATA[${this.corpId}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[${ciphered}]]></Encrypt></xml>`;
    const signature = opts.signature ?? getSignature(this.token, timestamp, nonce, ciphered);
    return { method: 'POST', query: { msg_signature: signature, timestamp, nonce }, headers: { 'content-type': 'text/xml' }, body };
  }

  /** The GET WeCom sends when the callback URL is saved; `echo` is what must come back. */
  verificationRequest(opts: CallbackOptions = {}): SignedRequest & { echo: string } {
    const echo = String(Math.floor(Math.random() * 1e18));
    const echostr = encrypt(this.aesKey, echo, opts.receiveId ?? this.corpId);
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? String(Math.floor(Math.random() * 1e10));
    const signature = opts.signature ?? getSignature(this.token, timestamp, nonce, echostr);
    return { method: 'GET', query: { msg_signature: signature, timestamp, nonce, echostr }, headers: {}, body: '', echo };
  }

  /** POSTs a signed callback to `url` (a Chorus webhook) and returns its answer. */
  async postCallback(url: string, req: SignedRequest): Promise<{ status: number; body: string }> {
    const u = new URL(url);
    for (const [k, v] of Object.entries(req.query)) u.searchParams.set(k, v);
    const res = await fetch(u, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : req.body });
    return { status: res.status, body: await res.text() };
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    let entry: WecomApiServer['calls'][number] | undefined;
    const send = (status: number, body: unknown) => {
      const code = (body as { errcode?: unknown } | undefined)?.errcode;
      if (entry && typeof code === 'number') entry.errcode = code;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (u.pathname.startsWith('/_control/')) return send(200, await this.#control(u.pathname.slice(10), raw));
    if (u.pathname.startsWith('/_files/')) {
      const f = this.files.get(decodeURIComponent(u.pathname.slice(8)));
      if (!f) return void res.writeHead(404).end('not found');
      return void res.writeHead(200, { 'content-type': f.contentType, 'content-length': f.bytes.length }).end(f.bytes);
    }
    if (!u.pathname.startsWith('/cgi-bin/')) return send(404, { error: 'not found' });
    const path = u.pathname.slice(9);
    let body: Record<string, unknown> = {};
    // media/upload is the one multipart/form-data call; its form is read after the token check.
    const multipart = path === 'media/upload';
    if (req.method === 'POST' && !multipart) {
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return send(200, reply(40058, 'invalid parameter, Warning: wrong json format.'));
      }
    }
    entry = { path, body };
    this.calls.push(entry);
    const inj = this.#injections.find((i) => (i.times ?? 1) > 0 && (!i.path || i.path === path));
    if (inj) {
      inj.times = (inj.times ?? 1) - 1;
      if (inj.reset) {
        req.socket.destroy();
        return;
      }
      return send(200, reply(inj.errcode ?? -1, inj.errmsg));
    }
    if (path === 'gettoken') return send(200, this.#gettoken(u.searchParams));
    const token = u.searchParams.get('access_token');
    if (!token) return send(200, reply(41001));
    const t = this.#tokens.get(token);
    if (!t || t.invalid) return send(200, reply(40014));
    if (Date.now() >= t.expiresAt) return send(200, reply(42001));
    if (multipart && req.method === 'POST') return send(200, await this.#upload(u.searchParams.get('type') ?? '', req.headers['content-type'] ?? '', bytes));
    const route = ROUTES[path];
    if (!route || req.method !== 'POST') return send(404, { errcode: 404, errmsg: 'not found' });
    return send(200, route(this, body));
  }

  // 上传临时素材 (developer.work.weixin.qq.com/document/path/90253): multipart field "media" with a
  // filename; type image (JPG/PNG, ≤ 10 MB), voice, video or file (≤ 20 MB); every file > 5 bytes.
  async #upload(type: string, contentType: string, bytes: Buffer): Promise<unknown> {
    if (!['image', 'voice', 'video', 'file'].includes(type)) return reply(40004);
    if (!contentType.startsWith('multipart/form-data')) return reply(41005);
    let form: FormData;
    try {
      form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body: bytes }).formData();
    } catch {
      return reply(41005);
    }
    const media = form.get('media');
    if (!media || typeof media === 'string') return reply(41005);
    const data = Buffer.from(await media.arrayBuffer());
    if (data.length === 0) return reply(44001);
    if (data.length <= 5) return reply(40006);
    if (type === 'image') {
      const jpeg = data[0] === 0xff && data[1] === 0xd8;
      const png = data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      if (!jpeg && !png) return reply(40005);
      if (data.length > 10 * 1024 * 1024) return reply(40009);
    }
    if (type === 'file' && data.length > 20 * 1024 * 1024) return reply(40006);
    const media_id = `3${randomBytes(30).toString('base64url')}`;
    const created_at = Math.floor(this.now() / 1000);
    this.media.set(media_id, { media_id, type, filename: media.name, contentType: media.type, bytes: data, created_at });
    return { ...OK, type, media_id, created_at: String(created_at) };
  }

  #gettoken(q: URLSearchParams): unknown {
    this.gettokenCalls++;
    if (q.get('corpid') !== this.corpId) return reply(40013);
    if (q.get('corpsecret') !== this.secret) return reply(40001);
    const access_token = randomBytes(32).toString('base64url');
    this.#tokens.set(access_token, { expiresAt: Date.now() + this.tokenTtlSec * 1000, invalid: false });
    return { ...OK, access_token, expires_in: this.tokenTtlSec };
  }

  async #control(what: string, raw: string): Promise<unknown> {
    const b = (raw ? JSON.parse(raw) : {}) as Record<string, never>;
    switch (what) {
      case 'state':
        return {
          gettokenCalls: this.gettokenCalls,
          calls: this.calls,
          groups: [...this.groups.values()],
          delivered: Object.fromEntries(this.delivered),
          templates: [...this.templates.values()].map((t) => ({ ...t, tasks: Object.fromEntries(t.tasks) })),
        };
      case 'inject':
        this.inject(b);
        return OK;
      case 'expire-tokens':
        this.expireTokens(b.how);
        return OK;
      case 'confirm':
        this.confirmSend(b.msgid, b);
        return OK;
      case 'groups':
        this.addGroup(b as unknown as Parameters<WecomApiServer['addGroup']>[0]);
        return OK;
      case 'callback':
        return this.postCallback(b.url, this.signedCallback(b.fields, b.options));
      default:
        return { error: `unknown control ${what}` };
    }
  }
}

export async function startWecomApi(opts: ConstructorParameters<typeof WecomApiServer>[0] = {}): Promise<WecomApiServer> {
  return new WecomApiServer(opts).start();
}
