// OutboundAction → Bot API calls. One action is one call, except `announce` (send, then pin) and
// `remove_member` (ban, then unban so the person may come back). Limits checked here before any
// call come from the Bot API docs, so that a too-long text fails as one clear sentence instead of
// half an action.

import { type Api, InputFile } from 'grammy';
import { ChannelError, type OutboundAction, type OutboundType, type PerformResult } from '../port.ts';
import type { CallContext } from './errors.ts';

/**
 * grammY types its `signal` parameters with the abort-controller polyfill's class; at run time it
 * only calls addEventListener on it, which Node's own AbortSignal has.
 */
export type ApiSignal = NonNullable<Parameters<Api['getMe']>[0]>;
export const apiSignal = (s: AbortSignal): ApiSignal => s as unknown as ApiSignal;

/** Runs one Bot API call, mapping any failure to ChannelError. */
export type Call = <T>(ctx: Omit<CallContext, 'apiRoot' | 'token'>, fn: (signal: ApiSignal) => Promise<T>) => Promise<T>;

const TEXT_MAX = 4096; // sendMessage: "1-4096 characters after entities parsing"
const CAPTION_MAX = 1024; // sendPhoto / sendDocument caption: "0-1024 characters"
const INVITE_NAME_MAX = 32; // createChatInviteLink name: "0-32 characters"

// restrictChatMember's ChatPermissions: a mute takes away every way of sending; lifting it gives them back.
const SENDS = [
  'can_send_messages',
  'can_send_audios',
  'can_send_documents',
  'can_send_photos',
  'can_send_videos',
  'can_send_video_notes',
  'can_send_voice_notes',
  'can_send_polls',
  'can_send_other_messages',
  'can_add_web_page_previews',
] as const;
const MUTED = Object.fromEntries(SENDS.map((k) => [k, false]));
const UNMUTED = Object.fromEntries(SENDS.map((k) => [k, true]));

/** What bots cannot do on Telegram, as a sentence for the human task it becomes. */
export const NOT_POSSIBLE: Partial<Record<OutboundType, string>> = {
  welcome: 'Telegram has no welcome-message setting a bot can change; the group owner sets up greetings by hand.',
  add_member: 'Telegram bots cannot add people to a group; send the person an invite link instead.',
  create_group: 'Telegram bots cannot create groups; a person creates the group and adds the bot as an admin.',
  disband: "Telegram bots cannot delete a group; the group's owner deletes it in the Telegram app.",
};

function userNumber(userId: string): number {
  if (!/^\d+$/.test(userId)) throw new ChannelError('permanent', `"${userId}" is not a Telegram user id (a Telegram user id is a number).`);
  return Number(userId);
}

function checkLength(text: string, max: number, what: string, chatId: string): void {
  if (text.trim() === '') throw new ChannelError('permanent', `The ${what} for ${chatId} is empty; Telegram does not send empty messages.`);
  if (text.length > max) throw new ChannelError('permanent', `The ${what} for ${chatId} has ${text.length} characters; Telegram allows at most ${max}. Shorten it or split it.`);
}

const done = (extra: { messageId?: string; data?: Record<string, unknown> } = {}): PerformResult => ({ status: 'done', at: new Date(), ...extra });

/** "Not modified" answers mean the group already looks as asked: that is success. */
function unlessUnchanged(e: unknown): true {
  if (e instanceof ChannelError && e.kind === 'permanent' && /not modified/i.test(e.message)) return true;
  throw e;
}

export async function performAction(api: Api, call: Call, a: OutboundAction): Promise<PerformResult> {
  switch (a.type) {
    case 'post': {
      const text = a.link && !a.text.includes(a.link) ? `${a.text}\n\n${a.link}` : a.text;
      const ctx = { chatId: a.chatId, sends: true };
      // A reply quotes the message; if it was deleted meanwhile the answer still goes, unquoted.
      const reply = a.replyTo && /^\d+$/.test(a.replyTo.messageId) ? { reply_parameters: { message_id: Number(a.replyTo.messageId), allow_sending_without_reply: true } } : {};
      if (a.imageData && !a.image && !a.file) {
        // An image Chorus drew (the weekly digest's card), uploaded with the text as its caption.
        checkLength(text, CAPTION_MAX, 'caption', a.chatId);
        const data = a.imageData;
        const m = await call({ ...ctx, method: 'sendPhoto' }, (s) => api.sendPhoto(a.chatId, new InputFile(data.bytes, data.name), { caption: text, ...reply }, s));
        return done({ messageId: String(m.message_id) });
      }
      if (a.image && a.file) {
        // A bot message carries one attachment; a person can post both.
        throw new ChannelError('permanent', `A Telegram bot post to ${a.chatId} carries one attachment, and this one has an image and a file: a person posts it.`, {
          forPerson: true,
        });
      }
      if (a.image || a.file) {
        if (text.length > CAPTION_MAX) checkLength(text, CAPTION_MAX, 'caption', a.chatId);
        const m = a.image
          ? await call({ ...ctx, method: 'sendPhoto' }, (s) => api.sendPhoto(a.chatId, a.image as string, { caption: text, ...reply }, s))
          : await call({ ...ctx, method: 'sendDocument' }, (s) => api.sendDocument(a.chatId, a.file as string, { caption: text, ...reply }, s));
        return done({ messageId: String(m.message_id) });
      }
      checkLength(text, TEXT_MAX, 'message', a.chatId);
      const m = await call({ ...ctx, method: 'sendMessage' }, (s) => api.sendMessage(a.chatId, text, reply, s));
      return done({ messageId: String(m.message_id) });
    }
    case 'direct_message': {
      checkLength(a.text, TEXT_MAX, 'message', `person ${a.userId}`);
      const m = await call({ method: 'sendMessage', userId: a.userId, sends: true }, (s) => api.sendMessage(a.userId, a.text, {}, s));
      return done({ messageId: String(m.message_id) });
    }
    case 'announce': {
      checkLength(a.text, TEXT_MAX, 'notice', a.chatId);
      const m = await call({ method: 'sendMessage', chatId: a.chatId, sends: true }, (s) => api.sendMessage(a.chatId, a.text, {}, s));
      try {
        await call({ method: 'pinChatMessage', chatId: a.chatId, sends: false }, (s) => api.pinChatMessage(a.chatId, m.message_id, {}, s));
      } catch (e) {
        // The notice is already in the group: a retry would post it twice, so this is never
        // retried automatically — the operator pins it by hand.
        const err = e as ChannelError;
        const kind = err.kind === 'auth' || err.kind === 'permanent' ? err.kind : 'ambiguous';
        throw new ChannelError(kind, `The notice was posted in group ${a.chatId} (message ${m.message_id}) but could not be pinned: ${err.message}`, {
          cause: err,
          ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}),
        });
      }
      return done({ messageId: String(m.message_id) });
    }
    case 'rename': {
      checkLength(a.name, 128, 'group name', a.chatId);
      await call({ method: 'setChatTitle', chatId: a.chatId, sends: false }, (s) => api.setChatTitle(a.chatId, a.name, s)).catch(unlessUnchanged);
      return done();
    }
    case 'set_description': {
      if (a.text.length > 255) checkLength(a.text, 255, 'group description', a.chatId);
      await call({ method: 'setChatDescription', chatId: a.chatId, sends: false }, (s) => api.setChatDescription(a.chatId, a.text, s)).catch(unlessUnchanged);
      return done();
    }
    case 'create_invite_link': {
      if (a.memberLimit !== undefined && a.joinRequest) {
        throw new ChannelError('permanent', `Telegram cannot combine a member limit with join requests on one invite link (group ${a.chatId}); choose one.`);
      }
      // The name is a label only admins see; Telegram caps it at 32 characters.
      const name = a.name?.slice(0, INVITE_NAME_MAX);
      const link = await call({ method: 'createChatInviteLink', chatId: a.chatId, sends: false }, (s) =>
        api.createChatInviteLink(
          a.chatId,
          {
            ...(name ? { name } : {}),
            ...(a.expiresAt ? { expire_date: Math.floor(a.expiresAt.getTime() / 1000) } : {}),
            ...(a.memberLimit !== undefined ? { member_limit: a.memberLimit } : {}),
            ...(a.joinRequest ? { creates_join_request: true } : {}),
          },
          s,
        ),
      );
      return done({
        data: {
          inviteLink: link.invite_link,
          ...(link.name ? { name: link.name } : {}),
          ...(link.expire_date ? { expiresAt: new Date(link.expire_date * 1000).toISOString() } : {}),
          ...(link.member_limit ? { memberLimit: link.member_limit } : {}),
          joinRequest: link.creates_join_request,
        },
      });
    }
    case 'revoke_invite_link': {
      // "Use this method to revoke an invite link created by the bot" (Bot API): the link stops
      // admitting anyone; revoking the primary link makes Telegram generate a new primary one.
      const link = await call({ method: 'revokeChatInviteLink', chatId: a.chatId, sends: false }, (s) => api.revokeChatInviteLink(a.chatId, a.link, s));
      return done({ data: { revoked: link.invite_link, isRevoked: link.is_revoked } });
    }
    case 'approve_join':
    case 'decline_join': {
      const user = userNumber(a.userId);
      const method = a.type === 'approve_join' ? 'approveChatJoinRequest' : 'declineChatJoinRequest';
      await call({ method, chatId: a.chatId, userId: a.userId, sends: false }, (s) =>
        a.type === 'approve_join' ? api.approveChatJoinRequest(a.chatId, user, s) : api.declineChatJoinRequest(a.chatId, user, s),
      );
      return done();
    }
    case 'remove_member': {
      const user = userNumber(a.userId);
      const ctx = { chatId: a.chatId, userId: a.userId, sends: false };
      await call({ ...ctx, method: 'banChatMember' }, (s) => api.banChatMember(a.chatId, user, {}, s));
      // Telegram removes people by banning them; lifting the ban lets them rejoin later.
      if (!a.ban) await call({ ...ctx, method: 'unbanChatMember' }, (s) => api.unbanChatMember(a.chatId, user, { only_if_banned: true }, s));
      return done();
    }
    case 'unban_member': {
      const user = userNumber(a.userId);
      await call({ method: 'unbanChatMember', chatId: a.chatId, userId: a.userId, sends: false }, (s) => api.unbanChatMember(a.chatId, user, { only_if_banned: true }, s));
      return done();
    }
    case 'delete_message': {
      // "A message can only be deleted if it was sent less than 48 hours ago"; the bot needs
      // can_delete_messages in a supergroup (deleteMessage, Bot API docs).
      const id = Number(a.messageId);
      if (!Number.isInteger(id) || id <= 0) throw new ChannelError('permanent', `"${a.messageId}" is not a Telegram message id.`);
      await call({ method: 'deleteMessage', chatId: a.chatId, sends: false }, (s) => api.deleteMessage(a.chatId, id, s));
      return done();
    }
    case 'restrict_member': {
      const user = userNumber(a.userId);
      // "If user is restricted for more than 366 days or less than 30 seconds from the current
      // time, they are considered to be restricted forever" (restrictChatMember, Bot API docs).
      const until = a.until ? Math.floor(a.until.getTime() / 1000) : undefined;
      await call({ method: 'restrictChatMember', chatId: a.chatId, userId: a.userId, sends: false }, (s) =>
        api.restrictChatMember(a.chatId, user, MUTED, { ...(until !== undefined ? { until_date: until } : {}), use_independent_chat_permissions: true }, s),
      );
      return done(until !== undefined ? { data: { until: new Date(until * 1000).toISOString() } } : {});
    }
    case 'unrestrict_member': {
      const user = userNumber(a.userId);
      // Every permission on: the member is back to the group's default permissions (a regular member).
      await call({ method: 'restrictChatMember', chatId: a.chatId, userId: a.userId, sends: false }, (s) =>
        api.restrictChatMember(a.chatId, user, UNMUTED, { use_independent_chat_permissions: true }, s),
      );
      return done();
    }
    case 'welcome':
    case 'add_member':
    case 'create_group':
    case 'disband':
      throw new ChannelError('permanent', NOT_POSSIBLE[a.type] as string);
  }
}
