// A local Telegram Bot API server (node:http) for tests, faithful to
// https://core.telegram.org/bots/api: `POST /bot<token>/<method>` with a JSON, urlencoded or
// multipart body (or a query string), answering `{ ok: true, result }` or `{ ok: false,
// error_code, description, parameters }` with the HTTP status equal to error_code. It keeps chats,
// members and the messages the bot sent, serves getUpdates with long polling, and delivers injected
// updates to a webhook with the secret-token header.
//
// Controls for tests are methods on the returned object and the same methods over HTTP:
// `POST /__control/<name>` with a JSON array of arguments (see `connectTelegramBotApi`), so a
// worker or test in another process can use them. Run this file directly to start a standalone
// server: it prints `{ "url": …, "token": … }` on one line.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { METHODS, Params } from './telegram/methods.ts';
import {
  ApiFailure,
  BotApiState,
  type LimitMode,
  type MemberStatus,
  PRESENT,
  type SentMessage,
  type StateOptions,
  type TgUser,
  type Violation,
} from './telegram/state.ts';

export type { LimitMode, MemberStatus, SentMessage, TgUser, Violation };
export type TelegramBotApiOptions = StateOptions & { allowedUpdates?: string[] };

interface Waiter {
  res: ServerResponse;
  limit: number;
  timer: NodeJS.Timeout;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Merges query-string and body parameters, as the Bot API accepts all four ways of passing them. */
async function parseParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return values;
  if (type.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object') Object.assign(values, parsed);
    return values;
  }
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    // The WHATWG Request parses both form encodings, including multipart boundaries and files.
    // grammY writes its part headers tight (`content-disposition:form-data;name="x";filename=card.png`),
    // which Telegram takes and the WHATWG parser refuses: space and quote them first (latin1, byte for byte).
    const quoted = type.startsWith('multipart/')
      ? Buffer.from(
          body
            .toString('latin1')
            .replace(/^content-disposition:[^\r\n]*$/gim, (line) => line.replace(/;\s*/g, '; ').replace(/filename=([^"\r\n;]+)/, 'filename="$1"')),
          'latin1',
        )
      : body;
    const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body: quoted }).formData();
    for (const [k, v] of form) values[k] = v;
  }
  return values;
}

function reply(res: ServerResponse, payload: unknown, status = 200): void {
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function failure(res: ServerResponse, f: { error_code: number; description: string; parameters?: object; retry_after?: number }): void {
  const parameters = f.parameters ?? (f.retry_after !== undefined ? { retry_after: f.retry_after } : undefined);
  reply(res, { ok: false, error_code: f.error_code, description: f.description, ...(parameters ? { parameters } : {}) }, f.error_code);
}

export async function startTelegramBotApi(opts: TelegramBotApiOptions = {}) {
  const s = new BotApiState(opts);
  if (opts.allowedUpdates) s.allowedUpdates = opts.allowedUpdates;
  let waiter: Waiter | undefined;
  /** How many getUpdates were ended by a second concurrent one (two pollers on one bot). */
  let conflicts = 0;
  let groupIds = 1_000_000_001;
  let userIds = 100_001;

  const answerWaiter = () => {
    if (!waiter) return;
    const w = waiter;
    waiter = undefined;
    clearTimeout(w.timer);
    reply(w.res, { ok: true, result: s.updates.slice(0, w.limit) });
  };

  /** Delivers one update: POSTed to the webhook when one is set, else queued for getUpdates. */
  async function deliver(update: Record<string, unknown> | undefined): Promise<{ delivered: boolean; status?: number }> {
    if (!update) return { delivered: false };
    if (!s.webhook) {
      answerWaiter();
      return { delivered: true };
    }
    const hook = s.webhook;
    try {
      const r = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
        body: JSON.stringify(update),
      });
      if (r.ok) s.updates = s.updates.filter((u) => u !== update);
      else hook.lastError = `Wrong response from the webhook: ${r.status} ${r.statusText}`;
      return { delivered: r.ok, status: r.status };
    } catch (e) {
      hook.lastError = `Connection refused: ${(e as Error).message}`;
      return { delivered: false };
    }
  }

  const controls = {
    /** Adds a supergroup with the bot in it (an administrator unless told otherwise). */
    addChat(chat: { id?: number; title: string; bot?: 'administrator' | 'member'; members?: { user: Partial<TgUser> & { id: number }; status?: MemberStatus }[] }) {
      const id = chat.id ?? -(1_000_000_000_000 + groupIds++);
      s.chats.set(id, { id, type: 'supergroup', title: chat.title, bot: chat.bot ?? 'administrator', members: new Map(), joinRequests: new Set(), inviteLinks: [], nextMessageId: 1 });
      for (const m of chat.members ?? []) controls.addMember(id, m.user, m.status);
      return id;
    },
    /** Adds (or updates) a person and sets their status in a chat, without generating an update. */
    addMember(chatId: number, user: Partial<TgUser> & { id?: number }, status: MemberStatus = 'member') {
      const id = user.id ?? userIds++;
      s.users.set(id, { ...s.user(id), ...user, id });
      s.chats.get(chatId)?.members.set(id, status);
      return id;
    },
    /** The person pressed Start in the bot's private chat, so the bot may message them. */
    startPrivateChat(userId: number) {
      s.user(userId);
      s.startedBot.add(userId);
    },
    /**
     * The person opens `t.me/<bot>?start=<payload>` and taps Start: Telegram opens the private
     * chat and the bot receives the message "/start <payload>" from them (Bot API, "Deep linking").
     */
    pressStart(user: Partial<TgUser> & { id: number }, payload?: string) {
      s.users.set(user.id, { ...s.user(user.id), ...user });
      s.startedBot.add(user.id);
      const u = s.user(user.id);
      const chat = { id: user.id, type: 'private', first_name: u.first_name, ...(u.username ? { username: u.username } : {}) };
      const text = payload ? `/start ${payload}` : '/start';
      return deliver(s.queue({ message: { message_id: 1, from: u, chat, date: now(), text, entities: [{ type: 'bot_command', offset: 0, length: 6 }] } }));
    },
    /** Injects a raw update (shape as in the Bot API docs; update_id is assigned here). */
    inject(update: Record<string, unknown>) {
      return deliver(s.queue(update));
    },
    /** The bot is added to a group by a person: state + the my_chat_member update Telegram sends. */
    addBotToChat(title: string, by: number, status: 'administrator' | 'member' = 'administrator') {
      const id = controls.addChat({ title, bot: status, members: [{ user: { id: by }, status: 'creator' }] });
      const chat = { id, type: 'supergroup', title };
      const bot = { user: s.bot, status: 'left' };
      return deliver(s.queue({ my_chat_member: { chat, from: s.user(by), date: now(), old_chat_member: bot, new_chat_member: { ...bot, status } } })).then(() => id);
    },
    /** The bot is kicked from a group: later calls get 403, and a my_chat_member update is sent. */
    kick(chatId: number, by?: number) {
      const chat = s.chats.get(chatId);
      if (!chat) return Promise.resolve({ delivered: false });
      const old = chat.bot;
      chat.bot = 'kicked';
      const from = by !== undefined ? s.user(by) : s.bot;
      return deliver(s.queue({
        my_chat_member: {
          chat: s.chatObject(chat), from, date: now(),
          old_chat_member: { user: s.bot, status: old },
          new_chat_member: { user: s.bot, status: 'kicked', until_date: 0 },
        },
      }));
    },
    /** A person changes the bot's standing in a group (e.g. makes it an admin): state + the my_chat_member update. */
    setBotStatus(chatId: number, status: 'administrator' | 'member', by: number) {
      const chat = s.chats.get(chatId);
      if (!chat) return Promise.resolve({ delivered: false });
      const old = chat.bot;
      chat.bot = status;
      return deliver(s.queue({
        my_chat_member: { chat: s.chatObject(chat), from: s.user(by), date: now(), old_chat_member: { user: s.bot, status: old }, new_chat_member: { user: s.bot, status } },
      }));
    },
    /** A person joins, optionally through an invite link (the chat_member update carries it). */
    join(chatId: number, user: Partial<TgUser> & { id: number }, via: { inviteLink?: string; by?: number } = {}) {
      const chat = s.chats.get(chatId);
      controls.addMember(chatId, user, 'member');
      const link = via.inviteLink ? chat?.inviteLinks.find((l) => l.invite_link === via.inviteLink) ?? { invite_link: via.inviteLink, creator: s.bot, creates_join_request: false, is_primary: false, is_revoked: false } : undefined;
      return deliver(s.queue({
        chat_member: {
          chat: chat ? s.chatObject(chat) : { id: chatId, type: 'supergroup', title: '' },
          from: s.user(via.by ?? user.id), date: now(),
          old_chat_member: { user: s.user(user.id), status: 'left' },
          new_chat_member: { user: s.user(user.id), status: 'member' },
          ...(link ? { invite_link: link } : {}),
        },
      }));
    },
    /** A person sends a text message in a chat. */
    say(chatId: number, userId: number, text: string) {
      const chat = s.chats.get(chatId);
      const message = { message_id: chat ? chat.nextMessageId++ : 1, from: s.user(userId), chat: chat ? s.chatObject(chat) : { id: chatId, type: 'supergroup', title: '' }, date: now(), text };
      if (chat) s.received.push({ chat_id: chat.id, message_id: message.message_id, from: userId, text, date: message.date });
      if (!s.written.has(chatId)) s.written.set(chatId, new Set());
      s.written.get(chatId)!.add(message.message_id);
      return deliver(s.queue({ message })).then((d) => ({ ...d, messageId: message.message_id }));
    },
    /** A person writes to the bot in its private chat. */
    sayPrivately(userId: number, text: string) {
      const u = s.user(userId);
      const message = { message_id: Date.now() % 1_000_000_000, from: u, chat: { id: userId, type: 'private', first_name: u.first_name }, date: now(), text };
      return deliver(s.queue({ message }));
    },
    /** A person asks to join through a link that requires approval. */
    requestJoin(chatId: number, user: Partial<TgUser> & { id: number }, inviteLink?: string) {
      const chat = s.chats.get(chatId);
      s.users.set(user.id, { ...s.user(user.id), ...user });
      chat?.joinRequests.add(user.id);
      s.requestedAt.set(user.id, Date.now());
      const link = inviteLink ? chat?.inviteLinks.find((l) => l.invite_link === inviteLink) : undefined;
      return deliver(s.queue({
        chat_join_request: { chat: chat ? s.chatObject(chat) : { id: chatId }, from: s.user(user.id), user_chat_id: user.id, date: now(), ...(link ? { invite_link: link } : {}) },
      }));
    },
    /** The next `count` calls (of `method`, if given; getUpdates only when named) fail like this. */
    fail(count: number, error: { error_code: number; description: string; retry_after?: number; method?: string }) {
      s.failures.push({ count, ...error });
    },
    /** A 429 storm: the next `count` calls answer "Too Many Requests: retry after N". */
    rateLimit(count: number, retryAfterSeconds: number, method?: string) {
      s.failures.push({ count, error_code: 429, description: `Too Many Requests: retry after ${retryAfterSeconds}`, retry_after: retryAfterSeconds, ...(method ? { method } : {}) });
    },
    /** The next `count` calls are carried out (a message is recorded) and the connection is then cut with no answer. */
    dropAfterAccept(count = 1, method?: string) {
      s.drops.push({ count, ...(method ? { method } : {}) });
    },
    setLatency(ms: number) {
      s.latencyMs = ms;
    },
    setLimits(mode: LimitMode, perChatPerMinute?: number, perBotPerSecond?: number) {
      s.limits = mode;
      if (perChatPerMinute !== undefined) s.perChatPerMinute = perChatPerMinute;
      if (perBotPerSecond !== undefined) s.perBotPerSecond = perBotPerSecond;
    },
    sent(chatId?: number): SentMessage[] {
      return s.sent.filter((m) => chatId === undefined || m.chat_id === Number(chatId));
    },
    sentTexts(chatId: number): string[] {
      return controls.sent(chatId).map((m) => m.text ?? m.caption ?? '');
    },
    /** Messages deleteMessage removed (the bot's own or people's), in order. */
    deletedMessages(chatId?: number): { chat_id: number; message_id: number; at: number }[] {
      return s.deleted.filter((d) => chatId === undefined || d.chat_id === Number(chatId));
    },
    /** A member's current restriction (restrictChatMember), if any. */
    restriction(chatId: number, userId: number) {
      return s.chats.get(Number(chatId))?.restrictions?.get(Number(userId));
    },
    violations(): Violation[] {
      return [...s.violations];
    },
    calls(method?: string): { method: string; at: number }[] {
      return s.calls.filter((c) => method === undefined || c.method === method);
    },
    chat(chatId: number) {
      const chat = s.chats.get(Number(chatId));
      if (!chat) return undefined;
      return { id: chat.id, title: chat.title, description: chat.description, bot: chat.bot, pinned: chat.pinned, inviteLinks: chat.inviteLinks, joinRequests: [...chat.joinRequests], members: Object.fromEntries(chat.members) };
    },
    title(chatId: number): string | undefined {
      return s.chats.get(Number(chatId))?.title;
    },
    memberStatus(chatId: number, userId: number): MemberStatus | undefined {
      const chat = s.chats.get(Number(chatId));
      return chat ? s.status(chat, Number(userId)) : undefined;
    },
    isMember(chatId: number, userId: number): boolean {
      const status = controls.memberStatus(chatId, userId);
      return status !== undefined && PRESENT.has(status);
    },
    webhook() {
      return s.webhook ? { ...s.webhook } : undefined;
    },
    pendingUpdates() {
      return s.updates.length;
    },
    /** getUpdates calls answered 409 because another getUpdates came in while they waited, as Telegram does. */
    conflicts() {
      return conflicts;
    },
  };

  async function callMethod(req: IncomingMessage, res: ServerResponse, url: URL, token: string, name: string): Promise<void> {
    if (token !== s.token) return failure(res, { error_code: 401, description: 'Unauthorized' });
    // "All methods in the Bot API are case-insensitive."
    const method = Object.keys(METHODS).find((m) => m.toLowerCase() === name.toLowerCase()) ?? (name.toLowerCase() === 'getupdates' ? 'getUpdates' : undefined);
    if (!method) return failure(res, { error_code: 404, description: 'Not Found' });
    let values: Record<string, unknown>;
    try {
      values = await parseParams(req, url);
    } catch {
      return failure(res, { error_code: 400, description: "Bad Request: can't parse JSON object" });
    }
    s.calls.push({ method, at: Date.now() });
    if (s.latencyMs > 0 && method !== 'getUpdates') await new Promise((r) => setTimeout(r, s.latencyMs));
    const injected = s.takeFailure(method);
    if (injected) return failure(res, injected);
    const p = new Params(values);
    try {
      if (method === 'getUpdates') return getUpdates(res, p);
      const result = METHODS[method](s, p);
      if (s.takeDrop(method)) {
        res.socket?.destroy();
        return;
      }
      reply(res, { ok: true, result });
      for (const u of s.outbox.splice(0)) void deliver(u);
    } catch (e) {
      if (e instanceof ApiFailure) return failure(res, e);
      throw e;
    }
  }

  function getUpdates(res: ServerResponse, p: Params): void {
    if (s.webhook) {
      throw new ApiFailure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (waiter) {
      const old = waiter;
      waiter = undefined;
      clearTimeout(old.timer);
      conflicts++;
      failure(old.res, { error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    }
    const allowed = p.json<string[]>('allowed_updates');
    if (allowed) s.allowedUpdates = allowed;
    s.confirm(p.num('offset') ?? 0);
    const limit = Math.min(Math.max(p.num('limit') ?? 100, 1), 100);
    const timeout = p.num('timeout') ?? 0;
    if (s.updates.length > 0 || timeout <= 0) {
      reply(res, { ok: true, result: s.updates.slice(0, limit) });
      return;
    }
    const w: Waiter = { res, limit, timer: setTimeout(answerWaiter, timeout * 1000) };
    waiter = w;
    // A client that gives up (aborts) must not hold the slot.
    res.on('close', () => {
      if (waiter === w) {
        clearTimeout(w.timer);
        waiter = undefined;
      }
    });
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL, name: string): Promise<void> {
    const fn = (controls as Record<string, unknown>)[name];
    if (typeof fn !== 'function') return reply(res, { error: `no control named ${name}` }, 404);
    let args: unknown[] = [];
    if (req.method === 'GET') {
      args = url.searchParams.has('chat_id') ? [Number(url.searchParams.get('chat_id'))] : [];
    } else {
      const body = (await readBody(req)).toString('utf8');
      args = body ? (JSON.parse(body) as unknown[]) : [];
    }
    const result: unknown = await (fn as (...a: unknown[]) => unknown)(...args);
    reply(res, { result: result ?? null });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const ctl = /^\/__control\/([A-Za-z]+)$/.exec(url.pathname);
    const done = api ? callMethod(req, res, url, decodeURIComponent(api[1]), api[2]) : ctl ? control(req, res, url, ctl[1]) : Promise.resolve(failure(res, { error_code: 404, description: 'Not Found' }));
    done.catch((e: unknown) => failure(res, { error_code: 500, description: `Internal Server Error: ${(e as Error).message}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The Bot API root to give grammY (`apiRoot`). */
    url,
    token: s.token,
    bot: s.bot,
    ...controls,
    async close(): Promise<void> {
      if (waiter) clearTimeout(waiter.timer);
      waiter = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TelegramBotApi = Awaited<ReturnType<typeof startTelegramBotApi>>;
type Controls = Omit<TelegramBotApi, 'url' | 'token' | 'bot' | 'close'>;
export type TelegramBotApiClient = { [K in keyof Controls]: (...args: Parameters<Controls[K]>) => Promise<Awaited<ReturnType<Controls[K]>>> };

/** The same controls, over HTTP, for a test or worker in another process. */
export function connectTelegramBotApi(url: string): TelegramBotApiClient {
  return new Proxy({} as TelegramBotApiClient, {
    // `then` stays undefined so that awaiting the client itself does not treat it as a promise.
    get: (_, name: string) => name === 'then' ? undefined : async (...args: unknown[]) => {
      const r = await fetch(`${url}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
      if (!r.ok) throw new Error(`control ${name} failed: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { result: unknown }).result ?? undefined;
    },
  });
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await startTelegramBotApi();
  process.stdout.write(`${JSON.stringify({ url: api.url, token: api.token })}\n`);
}
