// The state of a fake Telegram Bot API server: chats, members, sent messages, pending updates and
// the failures a test asked for. Shapes follow https://core.telegram.org/bots/api (User, Chat,
// ChatMember, ChatInviteLink, Update); error descriptions are the ones Telegram really sends.

import { randomBytes } from 'node:crypto';

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
export const PRESENT: ReadonlySet<MemberStatus> = new Set(['creator', 'administrator', 'member', 'restricted']);

export interface InviteLink {
  invite_link: string;
  creator: TgUser;
  creates_join_request: boolean;
  is_primary: boolean;
  is_revoked: boolean;
  name?: string;
  expire_date?: number;
  member_limit?: number;
}

/** One message the bot sent, with the time the server received it (ms since epoch). */
export interface SentMessage {
  chat_id: number;
  message_id: number;
  method: string;
  text?: string;
  caption?: string;
  photo?: string;
  document?: string;
  /** The message this one answers (reply_parameters.message_id or reply_to_message_id). */
  reply_to_message_id?: number;
  at: number;
}

/** A message a person sent in a chat (`say`), as the bot sees it: deleteMessage can remove it. */
export interface ReceivedMessage {
  chat_id: number;
  message_id: number;
  from: number;
  text: string;
  /** Seconds since epoch, as Message.date. */
  date: number;
  deleted?: boolean;
}

/** A member's restriction (restrictChatMember): the permissions taken away, until when (0: for good). */
export interface Restriction {
  permissions: Record<string, boolean>;
  until_date: number;
}

export interface TgChat {
  id: number;
  type: 'supergroup' | 'group' | 'private';
  title: string;
  description?: string;
  /** The bot's own membership: only an administrator may rename, pin, invite, ban. */
  bot: 'administrator' | 'member' | 'left' | 'kicked';
  members: Map<number, MemberStatus>;
  joinRequests: Set<number>;
  inviteLinks: InviteLink[];
  pinned?: number;
  nextMessageId: number;
  /** restrictChatMember's restrictions, by user. */
  restrictions?: Map<number, Restriction>;
}

/** A failure a test scheduled: the next `count` calls (of `method`, if given) answer with it. */
export interface ScheduledFailure {
  count: number;
  method?: string;
  error_code: number;
  description: string;
  retry_after?: number;
}

export type LimitMode = 'off' | 'count' | 'enforce';

export interface Violation {
  kind: 'per_chat_per_minute' | 'per_bot_per_second';
  chat_id: number;
  at: number;
}

/** Telegram's defaults when no allowed_updates was ever given: everything but these. */
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export class ApiFailure extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

export interface StateOptions {
  token?: string;
  botUsername?: string;
  /** Telegram's broadcast limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
  limits?: LimitMode;
  perChatPerMinute?: number;
  perBotPerSecond?: number;
  latencyMs?: number;
}

export class BotApiState {
  readonly token: string;
  readonly bot: TgUser;
  readonly users = new Map<number, TgUser>();
  /** Users who pressed Start in the bot's private chat: only they can receive a direct message. */
  readonly startedBot = new Set<number>();
  readonly chats = new Map<number, TgChat>();
  readonly sent: SentMessage[] = [];
  /** Messages people sent in chats (`say`); deleteMessage marks them deleted. */
  readonly received: ReceivedMessage[] = [];
  /** Messages deleted by deleteMessage, in order. */
  readonly deleted: { chat_id: number; message_id: number; at: number }[] = [];
  /** Messages people wrote in groups (say, inject), by chat: what a reply may answer. */
  readonly written = new Map<number, Set<number>>();
  readonly violations: Violation[] = [];
  updates: Record<string, unknown>[] = [];
  nextUpdateId = 1;
  allowedUpdates: string[] | undefined;
  webhook: { url: string; secret?: string; lastError?: string } | undefined;
  failures: ScheduledFailure[] = [];
  drops: { count: number; method?: string }[] = [];
  limits: LimitMode;
  perChatPerMinute: number;
  perBotPerSecond: number;
  latencyMs: number;
  /** When each person last asked to join (chat_join_request): the bot may write to them for 5 minutes. */
  readonly requestedAt = new Map<number, number>();
  /** Updates a method caused (an approved join request, a ban), delivered after its answer. */
  readonly outbox: Record<string, unknown>[] = [];
  /** Calls received, by method, for tests that check what was (not) called. */
  readonly calls: { method: string; at: number }[] = [];

  constructor(opts: StateOptions = {}) {
    const botId = 7000000000 + Math.floor(Math.random() * 99999999);
    this.token = opts.token ?? `${botId}:AA${randomBytes(24).toString('base64url').slice(0, 33)}`;
    const id = Number(this.token.split(':')[0]) || botId;
    this.bot = { id, is_bot: true, first_name: 'Chorus Test Bot', username: opts.botUsername ?? 'chorus_test_bot' };
    this.limits = opts.limits ?? 'off';
    this.perChatPerMinute = opts.perChatPerMinute ?? 20;
    this.perBotPerSecond = opts.perBotPerSecond ?? 30;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  user(id: number): TgUser {
    let u = this.users.get(id);
    if (!u) {
      u = { id, is_bot: false, first_name: `User ${id}` };
      this.users.set(id, u);
    }
    return u;
  }

  /** The chat a method addresses, after Telegram's access checks. */
  chat(chatId: unknown, opts: { admin?: string } = {}): TgChat {
    const id = Number(chatId);
    const chat = Number.isFinite(id) ? this.chats.get(id) : undefined;
    if (!chat) throw new ApiFailure(400, 'Bad Request: chat not found');
    const kind = chat.type === 'supergroup' ? 'supergroup chat' : 'group chat';
    if (chat.bot === 'kicked') throw new ApiFailure(403, `Forbidden: bot was kicked from the ${kind}`);
    if (chat.bot === 'left') throw new ApiFailure(403, `Forbidden: bot is not a member of the ${kind}`);
    if (opts.admin && chat.bot !== 'administrator') throw new ApiFailure(400, `Bad Request: not enough rights to ${opts.admin}`);
    return chat;
  }

  status(chat: TgChat, userId: number): MemberStatus {
    const creatorOrMember = chat.members.get(userId);
    return creatorOrMember ?? 'left';
  }

  memberCount(chat: TgChat): number {
    let n = chat.bot === 'administrator' || chat.bot === 'member' ? 1 : 0;
    for (const s of chat.members.values()) if (PRESENT.has(s)) n++;
    return n;
  }

  chatObject(chat: TgChat): Record<string, unknown> {
    if (chat.type === 'private') {
      const u = this.user(chat.id);
      return { id: u.id, type: 'private', first_name: u.first_name, ...(u.username ? { username: u.username } : {}) };
    }
    return { id: chat.id, type: chat.type, title: chat.title };
  }

  /** Takes the first scheduled failure that applies to this call, if any. */
  takeFailure(method: string): ScheduledFailure | undefined {
    const i = this.failures.findIndex((f) => f.count > 0 && (f.method ? f.method === method : method !== 'getUpdates'));
    if (i < 0) return undefined;
    const f = this.failures[i];
    f.count--;
    if (f.count === 0) this.failures.splice(i, 1);
    return f;
  }

  takeDrop(method: string): boolean {
    const i = this.drops.findIndex((d) => d.count > 0 && (d.method ? d.method === method : method !== 'getUpdates'));
    if (i < 0) return false;
    if (--this.drops[i].count === 0) this.drops.splice(i, 1);
    return true;
  }

  /**
   * Checks Telegram's message limits before a send is accepted: about 20 messages per minute in
   * one group and about 30 per second overall. `count` records the violation and lets the message
   * through (to measure a sender); `enforce` also answers 429 as Telegram does.
   */
  checkLimits(chatId: number, now: number): void {
    if (this.limits === 'off') return;
    const inGroup = chatId < 0 ? this.sent.filter((m) => m.chat_id === chatId && now - m.at < 60_000) : [];
    const inSecond = this.sent.filter((m) => now - m.at < 1000);
    let retryMs = 0;
    if (inGroup.length >= this.perChatPerMinute) {
      this.violations.push({ kind: 'per_chat_per_minute', chat_id: chatId, at: now });
      retryMs = Math.max(retryMs, inGroup[inGroup.length - this.perChatPerMinute].at + 60_000 - now);
    }
    if (inSecond.length >= this.perBotPerSecond) {
      this.violations.push({ kind: 'per_bot_per_second', chat_id: chatId, at: now });
      retryMs = Math.max(retryMs, inSecond[inSecond.length - this.perBotPerSecond].at + 1000 - now);
    }
    if (retryMs > 0 && this.limits === 'enforce') {
      const retry_after = Math.max(1, Math.ceil(retryMs / 1000));
      throw new ApiFailure(429, `Too Many Requests: retry after ${retry_after}`, { retry_after });
    }
  }

  isAllowed(type: string): boolean {
    return this.allowedUpdates && this.allowedUpdates.length > 0 ? this.allowedUpdates.includes(type) : !NOT_BY_DEFAULT.has(type);
  }

  /** Queues an update; Telegram never generates updates of a type the bot did not ask for. */
  queue(update: Record<string, unknown>): Record<string, unknown> | undefined {
    const type = Object.keys(update).find((k) => k !== 'update_id');
    if (!type || !this.isAllowed(type)) return undefined;
    const full = { ...update, update_id: this.nextUpdateId++ };
    this.updates.push(full);
    return full;
  }

  /** Queues an update a method caused, for delivery once the method has answered. */
  emit(update: Record<string, unknown>): void {
    const full = this.queue(update);
    if (full) this.outbox.push(full);
  }

  /** getUpdates' `offset`: every update with a smaller id is confirmed and forgotten. */
  confirm(offset: number): void {
    if (offset > 0) this.updates = this.updates.filter((u) => (u.update_id as number) >= offset);
  }

  newInviteLink(): string {
    return `https://t.me/+${randomBytes(12).toString('base64url')}`;
  }
}
