// Telegram Update → InboundEvent[] (pure). Shapes: https://core.telegram.org/bots/api#update.
// Joins and leaves come from `chat_member` updates (sent only to admin bots that ask for them in
// allowed_updates), not from the `new_chat_members` service messages, so that one join is one
// event; the bot's own membership comes from `my_chat_member`.

import type { Chat, ChatMember, ChatMemberUpdated, Message, MessageEntity, Update, User } from 'grammy/types';
import type { InboundEvent, MemberRef } from '../port.ts';

export interface NormalizeOptions {
  /**
   * Groups already reported with `group_seen`. A message from any other group also yields
   * `group_seen` first — bots cannot list their chats, so this is how Chorus discovers them.
   */
  knownChats?: ReadonlySet<string>;
}

const GROUP_TYPES = new Set(['group', 'supergroup']);

function isGroup(chat: Chat): boolean {
  return GROUP_TYPES.has(chat.type);
}

function at(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}

export function memberRef(user: User): MemberRef {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username;
  return { externalId: String(user.id), ...(name ? { name } : {}), ...(user.is_bot ? { isBot: true } : {}) };
}

/** Whether a ChatMember status means "in the chat" (a restricted member may still be in it). */
function present(m: ChatMember): boolean {
  if (m.status === 'restricted') return m.is_member;
  return m.status === 'creator' || m.status === 'administrator' || m.status === 'member';
}

function title(chat: Chat): string | undefined {
  return 'title' in chat && typeof chat.title === 'string' ? chat.title : undefined;
}

function botMembership(u: ChatMemberUpdated): InboundEvent[] {
  if (!isGroup(u.chat)) return []; // a person blocking the bot in private is not a group event
  const chatId = String(u.chat.id);
  const when = at(u.date);
  if (present(u.new_chat_member)) {
    const t = title(u.chat);
    return [{ type: 'group_seen', chatId, ...(t ? { title: t } : {}), at: when, raw: u }];
  }
  const by = u.from.id === u.new_chat_member.user.id ? 'the bot left the group' : `the bot was removed by ${memberRef(u.from).name ?? u.from.id}`;
  const reason = u.new_chat_member.status === 'kicked' ? `${by} and banned from it` : by;
  return [{ type: 'access_lost', chatId, reason, at: when }];
}

function memberChange(u: ChatMemberUpdated): InboundEvent[] {
  if (!isGroup(u.chat)) return [];
  const chatId = String(u.chat.id);
  const member = memberRef(u.new_chat_member.user);
  const was = present(u.old_chat_member);
  const is = present(u.new_chat_member);
  const when = at(u.date);
  if (!was && is) {
    const byOther = u.from.id !== u.new_chat_member.user.id;
    const scene = u.invite_link ? 'invite_link' : u.via_join_request ? 'join_request' : u.via_chat_folder_invite_link ? 'chat_folder' : byOther ? 'added' : undefined;
    const via = {
      ...(u.invite_link ? { inviteLink: u.invite_link.invite_link } : {}),
      ...(byOther ? { inviter: memberRef(u.from) } : {}),
      ...(scene ? { scene } : {}),
    };
    return [{ type: 'member_joined', chatId, member, ...(Object.keys(via).length ? { via } : {}), at: when }];
  }
  if (was && !is) {
    const voluntary = u.new_chat_member.status === 'left' && u.from.id === u.new_chat_member.user.id;
    return voluntary
      ? [{ type: 'member_left', chatId, member, reason: 'voluntary', at: when }]
      : [{ type: 'member_left', chatId, member, reason: 'removed', by: memberRef(u.from), at: when }];
  }
  return []; // promotions, restrictions: not membership changes
}

/** Link texts from `url` entities and the targets of `text_link` entities, in order. */
function links(text: string, entities: MessageEntity[]): string[] {
  const out: string[] = [];
  for (const e of entities) {
    // Entity offsets are in UTF-16 code units, which is how JavaScript strings index.
    if (e.type === 'url') out.push(text.slice(e.offset, e.offset + e.length));
    else if (e.type === 'text_link') out.push(e.url);
  }
  return out;
}

/** `@username` mentions as written; `text_mention` (people without a username) as their user id. */
function mentions(text: string, entities: MessageEntity[]): string[] {
  const out: string[] = [];
  for (const e of entities) {
    if (e.type === 'mention') out.push(text.slice(e.offset, e.offset + e.length));
    else if (e.type === 'text_mention') out.push(String(e.user.id));
  }
  return out;
}

function fromMessage(m: Message, opts: NormalizeOptions): InboundEvent[] {
  const chatId = String(m.chat.id);
  const when = at(m.date);
  const by = m.from ? memberRef(m.from) : undefined;
  const events: InboundEvent[] = [];
  if (isGroup(m.chat) && !opts.knownChats?.has(chatId)) {
    const t = title(m.chat);
    events.push({ type: 'group_seen', chatId, ...(t ? { title: t } : {}), at: when });
  }
  if (m.migrate_to_chat_id !== undefined) {
    // A basic group upgraded to a supergroup gets a new id; the old one stops working.
    const to = String(m.migrate_to_chat_id);
    events.push({ type: 'access_lost', chatId, reason: `the group was upgraded to a supergroup with the new id ${to}`, at: when });
    const t = title(m.chat);
    events.push({ type: 'group_seen', chatId: to, ...(t ? { title: t } : {}), at: when });
    return events;
  }
  if (m.new_chat_title !== undefined) {
    events.push({ type: 'group_renamed', chatId, title: m.new_chat_title, ...(by ? { by } : {}), at: when });
    return events;
  }
  if (m.pinned_message !== undefined) {
    const p = m.pinned_message;
    // An old pinned message can be "inaccessible" (date 0): Telegram no longer gives its text.
    const text = p.date !== 0 ? (p.text ?? p.caption) : undefined;
    events.push({ type: 'announcement_changed', chatId, ...(text !== undefined ? { text } : {}), ...(by ? { by } : {}), at: when });
    return events;
  }
  // A photo (or an image sent as a file) without a caption is still a message: a campaign screenshot.
  const image = !!m.photo?.length || !!m.document?.mime_type?.startsWith('image/');
  const text = m.text ?? m.caption ?? (image ? '' : undefined);
  if (text === undefined || !m.from) return events; // stickers, service messages: nothing to read
  if (m.chat.type === 'private') {
    // `/start` (with a start link's token, t.me/<bot>?start=<token>) means the bot may write to
    // this person from now on; anything else a person writes to the bot is a private message,
    // which admission reads as answers to its questions.
    if (m.from.is_bot) return events;
    const start = /^\/start(?:@\w+)?(?:\s+([A-Za-z0-9_-]{1,64}))?\s*$/.exec(text);
    if (start) {
      const username = m.from.username;
      events.push({ type: 'private_started', chatId, member: memberRef(m.from), ...(username ? { username } : {}), ...(start[1] ? { token: start[1] } : {}), at: when });
      return events;
    }
    // Other commands are not answers to anything.
    if (text.trimStart().startsWith('/')) return events;
    events.push({ type: 'private_message', chatId, messageId: String(m.message_id), from: memberRef(m.from), text, ...(image ? { image } : {}), at: when });
    return events;
  }
  if (!isGroup(m.chat)) return events; // channels: not groups Chorus works in
  const entities = m.entities ?? m.caption_entities ?? [];
  events.push({
    type: 'message',
    chatId,
    messageId: String(m.message_id),
    from: memberRef(m.from),
    text,
    links: links(text, entities),
    mentions: mentions(text, entities),
    ...(m.reply_to_message ? { replyTo: String(m.reply_to_message.message_id) } : {}),
    ...(image ? { image } : {}),
    at: when,
  });
  return events;
}

export function normalizeUpdate(update: Update, opts: NormalizeOptions = {}): InboundEvent[] {
  if (update.my_chat_member) return botMembership(update.my_chat_member);
  if (update.chat_member) return memberChange(update.chat_member);
  if (update.message) return fromMessage(update.message, opts);
  if (update.chat_join_request) {
    const r = update.chat_join_request;
    return [
      {
        type: 'join_request',
        chatId: String(r.chat.id),
        member: memberRef(r.from),
        ...(r.invite_link ? { inviteLink: r.invite_link.invite_link } : {}),
        ...(r.bio ? { bio: r.bio } : {}),
        // "Identifier of a private chat with the user who sent the join request … The bot can use
        // this identifier for 5 minutes to send messages until the join request is processed."
        ...(r.user_chat_id !== undefined ? { userChatId: String(r.user_chat_id) } : {}),
        at: at(r.date),
      },
    ];
  }
  return [];
}
