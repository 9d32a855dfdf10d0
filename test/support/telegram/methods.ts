// Bot API methods of the fake server, one function per method, taking the request's parameters
// (already merged from the query string and a JSON, urlencoded or multipart body) and returning
// the `result` Telegram would return, or throwing ApiFailure with Telegram's own description.
// getUpdates lives in the HTTP layer because it waits (long polling).

import { ApiFailure, type BotApiState, PRESENT, type SentMessage, type TgChat } from './state.ts';

/** Request parameters: form fields are strings, JSON fields keep their types. */
export class Params {
  constructor(private readonly values: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== '';
  }
  raw(name: string): unknown {
    return this.values[name];
  }
  required(name: string): unknown {
    if (!this.has(name)) throw new ApiFailure(400, `Bad Request: ${name} is empty`);
    return this.values[name];
  }
  str(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : typeof v === 'string' ? v : v instanceof File ? `attach:${v.name}` : String(v);
  }
  num(name: string): number | undefined {
    if (!this.has(name)) return undefined;
    const n = Number(this.values[name]);
    if (!Number.isFinite(n)) throw new ApiFailure(400, `Bad Request: invalid ${name} specified`);
    return n;
  }
  bool(name: string): boolean {
    const v = this.values[name];
    return v === true || v === 'true' || v === '1';
  }
  /** A JSON-serialized field (arrays and objects arrive as JSON text in form bodies). */
  json<T>(name: string): T | undefined {
    const v = this.values[name];
    if (typeof v !== 'string') return v as T | undefined;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw new ApiFailure(400, `Bad Request: can't parse ${name} JSON object`);
    }
  }
}

type Method = (s: BotApiState, p: Params) => unknown;

function userId(p: Params): number {
  const id = p.num('user_id');
  if (id === undefined) throw new ApiFailure(400, 'Bad Request: user_id is empty');
  return id;
}

/** Sends to a group, or to a person in private, as Telegram allows it. */
function target(s: BotApiState, chatId: unknown): TgChat {
  const id = Number(chatId);
  if (id > 0) {
    // A bot cannot write first: only people who pressed Start in its private chat can be messaged.
    // user_chat_id: "The bot can use this identifier for 5 minutes to send messages until the join
    // request is processed" (ChatJoinRequest, Bot API docs).
    const asked = s.requestedAt.get(id);
    const requesting = asked !== undefined && Date.now() - asked <= 5 * 60_000 && [...s.chats.values()].some((c) => c.joinRequests.has(id));
    if (!s.startedBot.has(id) && !requesting) {
      if (s.users.has(id)) throw new ApiFailure(403, "Forbidden: bot can't initiate conversation with a user");
      throw new ApiFailure(400, 'Bad Request: chat not found');
    }
    let chat = s.chats.get(id);
    if (!chat) {
      chat = { id, type: 'private', title: '', bot: 'member', members: new Map(), joinRequests: new Set(), inviteLinks: [], nextMessageId: 1 };
      s.chats.set(id, chat);
    }
    return chat;
  }
  return s.chat(chatId);
}

function send(s: BotApiState, p: Params, method: string, content: Partial<SentMessage>): Record<string, unknown> {
  const chat = target(s, p.required('chat_id'));
  const now = Date.now();
  s.checkLimits(chat.id, now);
  // A reply names a message of the chat; "message to be replied not found" unless the sender allows it.
  const replyParams = p.json<{ message_id?: number; allow_sending_without_reply?: boolean }>('reply_parameters');
  const replyTo = replyParams?.message_id ?? p.num('reply_to_message_id');
  const replied = replyTo !== undefined && (s.written.get(chat.id)?.has(replyTo) || s.sent.some((x) => x.chat_id === chat.id && x.message_id === replyTo));
  if (replyTo !== undefined && !replied && !(replyParams?.allow_sending_without_reply || p.bool('allow_sending_without_reply'))) {
    throw new ApiFailure(400, 'Bad Request: message to be replied not found');
  }
  const m: SentMessage = { chat_id: chat.id, message_id: chat.nextMessageId++, method, at: now, ...content, ...(replied ? { reply_to_message_id: replyTo } : {}) };
  s.sent.push(m);
  const message: Record<string, unknown> = { message_id: m.message_id, from: s.bot, chat: s.chatObject(chat), date: Math.floor(now / 1000) };
  if (m.text !== undefined) message.text = m.text;
  if (m.caption !== undefined) message.caption = m.caption;
  if (m.reply_to_message_id !== undefined) message.reply_to_message = { message_id: m.reply_to_message_id, chat: s.chatObject(chat), date: Math.floor(now / 1000) };
  if (m.photo !== undefined) {
    message.photo = [{ file_id: `photo-${m.message_id}`, file_unique_id: `p${m.message_id}`, width: 320, height: 320 }];
  }
  if (m.document !== undefined) message.document = { file_id: `doc-${m.message_id}`, file_unique_id: `d${m.message_id}` };
  return message;
}

function textParam(p: Params, name: string, max: number): string {
  const text = p.str(name) ?? '';
  if (text.trim() === '') throw new ApiFailure(400, 'Bad Request: message text is empty');
  if (text.length > max) throw new ApiFailure(400, name === 'text' ? 'Bad Request: message is too long' : 'Bad Request: message caption is too long');
  return text;
}

export const METHODS: Record<string, Method> = {
  getMe: (s) => ({
    ...s.bot,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),

  sendMessage: (s, p) => send(s, p, 'sendMessage', { text: textParam(p, 'text', 4096) }),
  sendPhoto: (s, p) => {
    const photo = p.str('photo');
    if (!photo) throw new ApiFailure(400, 'Bad Request: there is no photo in the request');
    const caption = p.str('caption');
    if (caption && caption.length > 1024) throw new ApiFailure(400, 'Bad Request: message caption is too long');
    return send(s, p, 'sendPhoto', { photo, ...(caption !== undefined ? { caption } : {}) });
  },
  sendDocument: (s, p) => {
    const document = p.str('document');
    if (!document) throw new ApiFailure(400, 'Bad Request: there is no document in the request');
    const caption = p.str('caption');
    if (caption && caption.length > 1024) throw new ApiFailure(400, 'Bad Request: message caption is too long');
    return send(s, p, 'sendDocument', { document, ...(caption !== undefined ? { caption } : {}) });
  },

  pinChatMessage: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'manage pinned messages in the chat' });
    const id = p.num('message_id');
    if (!s.sent.some((m) => m.chat_id === chat.id && m.message_id === id)) throw new ApiFailure(400, 'Bad Request: message to pin not found');
    chat.pinned = id;
    return true;
  },
  setChatTitle: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'change chat title' });
    const title = p.str('title') ?? '';
    if (title.trim() === '') throw new ApiFailure(400, 'Bad Request: chat title is empty');
    if (title.length > 128) throw new ApiFailure(400, 'Bad Request: chat title is too long');
    chat.title = title;
    return true;
  },
  setChatDescription: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'change chat description' });
    const description = p.str('description') ?? '';
    if (description.length > 255) throw new ApiFailure(400, 'Bad Request: chat description is too long');
    if ((chat.description ?? '') === description) throw new ApiFailure(400, 'Bad Request: chat description is not modified');
    chat.description = description;
    return true;
  },

  createChatInviteLink: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'manage chat invite links' });
    const name = p.str('name');
    if (name && name.length > 32) throw new ApiFailure(400, 'Bad Request: invite link name is too long');
    const memberLimit = p.num('member_limit');
    const joinRequest = p.bool('creates_join_request');
    if (memberLimit !== undefined && (memberLimit < 1 || memberLimit > 99999)) throw new ApiFailure(400, 'Bad Request: invalid member limit specified');
    // "If True, member_limit can't be specified" (createChatInviteLink, Bot API docs).
    if (memberLimit !== undefined && joinRequest) throw new ApiFailure(400, "Bad Request: member limit can't be specified for links requiring administrator approval");
    const link = {
      invite_link: s.newInviteLink(),
      creator: s.bot,
      creates_join_request: joinRequest,
      is_primary: false,
      is_revoked: false,
      ...(name ? { name } : {}),
      ...(p.has('expire_date') ? { expire_date: p.num('expire_date') } : {}),
      ...(memberLimit !== undefined ? { member_limit: memberLimit } : {}),
    };
    chat.inviteLinks.push(link);
    return link;
  },

  // "Use this method to revoke an invite link created by the bot. If the primary link is revoked, a
  // new link is automatically generated… Returns the revoked invite link as ChatInviteLink object."
  revokeChatInviteLink: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'manage chat invite links' });
    const wanted = p.str('invite_link') ?? '';
    if (!wanted) throw new ApiFailure(400, 'Bad Request: invite link must be non-empty');
    const link = chat.inviteLinks.find((l) => l.invite_link === wanted && l.creator.id === s.bot.id);
    if (!link) throw new ApiFailure(400, 'Bad Request: INVITE_HASH_EXPIRED');
    link.is_revoked = true;
    if (link.is_primary) {
      link.is_primary = false;
      chat.inviteLinks.push({ invite_link: s.newInviteLink(), creator: s.bot, creates_join_request: false, is_primary: true, is_revoked: false });
    }
    return link;
  },

  approveChatJoinRequest: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'invite users' });
    const user = userId(p);
    if (PRESENT.has(s.status(chat, user))) throw new ApiFailure(400, 'Bad Request: USER_ALREADY_PARTICIPANT');
    if (!chat.joinRequests.delete(user)) throw new ApiFailure(400, 'Bad Request: HIDE_REQUESTER_MISSING');
    const old = s.status(chat, user) ?? 'left';
    chat.members.set(user, 'member');
    // The person is in: admin bots get the chat_member update, marked as joined through a request.
    s.emit({
      chat_member: {
        chat: s.chatObject(chat), from: s.bot, date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: s.user(user), status: old === 'kicked' ? 'kicked' : 'left', ...(old === 'kicked' ? { until_date: 0 } : {}) },
        new_chat_member: { user: s.user(user), status: 'member' },
        via_join_request: true,
      },
    });
    return true;
  },
  declineChatJoinRequest: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'invite users' });
    if (!chat.joinRequests.delete(userId(p))) throw new ApiFailure(400, 'Bad Request: HIDE_REQUESTER_MISSING');
    return true;
  },

  banChatMember: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'restrict/unrestrict chat member' });
    const user = userId(p);
    if (user === s.bot.id) throw new ApiFailure(400, "Bad Request: can't remove chat owner");
    if (s.status(chat, user) === 'creator') throw new ApiFailure(400, "Bad Request: can't remove chat owner");
    const was = s.status(chat, user);
    chat.members.set(user, 'kicked');
    if (was !== undefined && PRESENT.has(was)) {
      s.emit({
        chat_member: {
          chat: s.chatObject(chat), from: s.bot, date: Math.floor(Date.now() / 1000),
          old_chat_member: { user: s.user(user), status: was },
          new_chat_member: { user: s.user(user), status: 'kicked', until_date: 0 },
        },
      });
    }
    return true;
  },
  unbanChatMember: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'restrict/unrestrict chat member' });
    const user = userId(p);
    const status = s.status(chat, user);
    if (status === 'creator') throw new ApiFailure(400, "Bad Request: can't remove chat owner");
    // "If the user is a member of the chat they will also be removed from the chat. If you don't
    // want this, use the parameter only_if_banned" (unbanChatMember, Bot API docs).
    if (status === 'kicked' || !p.bool('only_if_banned')) chat.members.set(user, 'left');
    return true;
  },

  deleteMessage: (s, p) => {
    const chat = s.chat(p.required('chat_id'));
    const id = p.num('message_id');
    if (id === undefined) throw new ApiFailure(400, 'Bad Request: message identifier is not specified');
    const own = s.sent.find((m) => m.chat_id === chat.id && m.message_id === id);
    const theirs = s.received.find((m) => m.chat_id === chat.id && m.message_id === id && !m.deleted);
    if (!theirs && (!own || s.deleted.some((d) => d.chat_id === chat.id && d.message_id === id))) throw new ApiFailure(400, 'Bad Request: message to delete not found');
    // "A message can only be deleted if it was sent less than 48 hours ago"; "If the bot is an
    // administrator of a group, it can delete any message there" (deleteMessage, Bot API docs).
    const sentAt = theirs ? theirs.date * 1000 : own!.at;
    if (Date.now() - sentAt >= 48 * 3_600_000) throw new ApiFailure(400, "Bad Request: message can't be deleted for everyone");
    if (theirs && chat.bot !== 'administrator') throw new ApiFailure(400, "Bad Request: message can't be deleted");
    if (theirs) theirs.deleted = true;
    s.deleted.push({ chat_id: chat.id, message_id: id, at: Date.now() });
    return true;
  },
  restrictChatMember: (s, p) => {
    const chat = s.chat(p.required('chat_id'), { admin: 'restrict/unrestrict chat member' });
    if (chat.type !== 'supergroup') throw new ApiFailure(400, 'Bad Request: method is available only for supergroups');
    const user = userId(p);
    if (user === s.bot.id) throw new ApiFailure(400, "Bad Request: can't restrict self");
    const permissions = p.json<Record<string, boolean>>('permissions');
    if (!permissions || typeof permissions !== 'object') throw new ApiFailure(400, 'Bad Request: permissions is empty');
    const was = s.status(chat, user);
    if (was === 'creator' || was === 'administrator') throw new ApiFailure(400, 'Bad Request: user is an administrator of the chat');
    if (!s.users.has(user)) throw new ApiFailure(400, 'Bad Request: user not found');
    chat.restrictions ??= new Map();
    // "Pass True for all permissions to lift restrictions from a user."
    const lifted = Object.values(permissions).length > 0 && Object.values(permissions).every((v) => v === true);
    const until = p.num('until_date') ?? 0;
    const present = PRESENT.has(was);
    if (lifted) {
      chat.restrictions.delete(user);
      if (was === 'restricted') chat.members.set(user, 'member');
    } else {
      chat.restrictions.set(user, { permissions, until_date: until });
      // A restricted person who is not in the chat stays out, and is restricted if they come back.
      if (present) chat.members.set(user, 'restricted');
    }
    const now = s.status(chat, user);
    if (present && now !== was) {
      const member = (status: string) => ({ user: s.user(user), status, ...(status === 'restricted' ? { is_member: true, until_date: until, ...permissions } : {}) });
      s.emit({ chat_member: { chat: s.chatObject(chat), from: s.bot, date: Math.floor(Date.now() / 1000), old_chat_member: member(was), new_chat_member: member(now) } });
    }
    return true;
  },

  getChat: (s, p) => {
    const chat = s.chat(p.required('chat_id'));
    const pinned = chat.pinned !== undefined ? s.sent.find((m) => m.chat_id === chat.id && m.message_id === chat.pinned) : undefined;
    return {
      ...s.chatObject(chat),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false },
      ...(chat.description ? { description: chat.description } : {}),
      ...(pinned
        ? { pinned_message: { message_id: pinned.message_id, from: s.bot, chat: s.chatObject(chat), date: Math.floor(pinned.at / 1000), text: pinned.text } }
        : {}),
    };
  },
  getChatMemberCount: (s, p) => s.memberCount(s.chat(p.required('chat_id'))),
  getChatMember: (s, p) => {
    const chat = s.chat(p.required('chat_id'));
    const id = userId(p);
    if (id === s.bot.id) return { status: chat.bot, user: s.bot };
    if (!s.users.has(id)) throw new ApiFailure(400, 'Bad Request: user not found');
    const status = s.status(chat, id);
    const r = chat.restrictions?.get(id);
    return { status, user: s.user(id), ...(status === 'kicked' ? { until_date: 0 } : {}), ...(status === 'restricted' && r ? { is_member: true, until_date: r.until_date, ...r.permissions } : {}) };
  },

  setWebhook: (s, p) => {
    const url = p.str('url') ?? '';
    if (url === '') {
      s.webhook = undefined;
      return true;
    }
    if (!/^https?:\/\//.test(url)) throw new ApiFailure(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.str('secret_token');
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw new ApiFailure(400, 'Bad Request: bad webhook: secret token contains unallowed characters');
    }
    const allowed = p.json<string[]>('allowed_updates');
    if (allowed) s.allowedUpdates = allowed;
    if (p.bool('drop_pending_updates')) s.updates = [];
    s.webhook = { url, ...(secret ? { secret } : {}) };
    return true;
  },
  deleteWebhook: (s, p) => {
    s.webhook = undefined;
    if (p.bool('drop_pending_updates')) s.updates = [];
    return true;
  },
  getWebhookInfo: (s) => ({
    url: s.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: s.updates.length,
    ...(s.webhook?.lastError ? { last_error_message: s.webhook.lastError } : {}),
    ...(s.allowedUpdates ? { allowed_updates: s.allowedUpdates } : {}),
  }),
};
