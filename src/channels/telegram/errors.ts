// Telegram failures → ChannelError. grammY keeps "Telegram answered with an error" (GrammyError:
// error_code + description) apart from "the HTTP call failed" (HttpError wrapping the fetch
// error); we keep that split and add the one question the ledger needs for a lost answer: could
// the request have reached Telegram? Tokens never leave this file inside a message.

import { GrammyError, HttpError } from 'grammy';
import { ChannelError } from '../port.ts';

/** The call that failed, so that a message says where and what. */
export interface CallContext {
  method: string;
  chatId?: string;
  userId?: string;
  /**
   * True for calls whose effect a retry would repeat (a message posted twice). A lost answer to
   * such a call is `ambiguous`; to any other call (rename, ban, reads) it is `transient`.
   */
  sends: boolean;
  apiRoot: string;
  token: string;
}

/** What the call was for, in words an operator knows. */
const WHAT: Record<string, string> = {
  sendMessage: 'post messages',
  sendPhoto: 'post photos',
  sendDocument: 'post files',
  pinChatMessage: 'pin messages',
  setChatTitle: 'change the group name',
  setChatDescription: 'change the group description',
  createChatInviteLink: 'create invite links',
  approveChatJoinRequest: 'approve join requests',
  declineChatJoinRequest: 'decline join requests',
  banChatMember: 'remove members',
  unbanChatMember: 'unban members',
  getChat: 'read the group',
  getChatMemberCount: 'read the group',
};

/** Error codes of a connection that never carried the request: safe to try again. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Hides the bot token wherever it could appear: as itself, or in a `/bot<token>/` URL path. */
export function redact(text: string, token: string): string {
  let out = token ? text.split(token).join('<token>') : text;
  out = out.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot<token>');
  return out;
}

function where(ctx: CallContext): string {
  if (ctx.chatId) return ` in group ${ctx.chatId}`;
  if (ctx.userId) return ` for person ${ctx.userId}`;
  return '';
}

function fromTelegram(e: GrammyError, ctx: CallContext): ChannelError {
  const code = e.error_code;
  const desc = redact(e.description, ctx.token);
  const opts = { platformCode: code, cause: e };
  const what = WHAT[ctx.method] ?? ctx.method;
  if (code === 429) {
    const seconds = e.parameters.retry_after ?? Number(/retry after (\d+)/i.exec(desc)?.[1] ?? 1);
    return new ChannelError('rate_limited', `Telegram asked the bot to slow down${where(ctx)}: wait ${seconds} s before sending again.`, { ...opts, retryAfterMs: seconds * 1000 });
  }
  if (code === 401) {
    return new ChannelError('auth', 'Telegram refused the bot token (401 Unauthorized): it is wrong or was revoked. Copy the current token from @BotFather into the channel settings.', opts);
  }
  if (code === 404) {
    return new ChannelError('auth', `Telegram answered "Not Found" to ${ctx.method}: the bot token is malformed, or the Bot API root ${ctx.apiRoot} is wrong or does not offer this method.`, opts);
  }
  if (code === 409) {
    return new ChannelError('permanent', `Another program is receiving this bot's updates (${desc}). Run one Chorus worker per bot in polling mode, or use the webhook and not polling.`, opts);
  }
  if (code >= 500) {
    return new ChannelError('transient', `Telegram had a server error while trying to ${what}${where(ctx)} (${code}: ${desc}); it can be tried again.`, opts);
  }
  return new ChannelError('permanent', permanentReason(desc, ctx, e), opts);
}

function permanentReason(desc: string, ctx: CallContext, e: GrammyError): string {
  const group = ctx.chatId ?? '(unknown)';
  const what = WHAT[ctx.method] ?? ctx.method;
  if (/chat not found/i.test(desc)) {
    return ctx.chatId
      ? `Telegram cannot find group ${group}: the id is wrong, or the bot was never added to that group.`
      : `Telegram cannot find a chat with person ${ctx.userId}: they have never pressed Start in the bot's chat.`;
  }
  if (/bot was kicked/i.test(desc)) return `The bot was removed from group ${group}. Add it back as an admin to let Chorus act there again.`;
  if (/bot is not a member/i.test(desc)) return `The bot is not a member of group ${group}. Add it to the group as an admin.`;
  if (/can't initiate conversation/i.test(desc)) {
    return `Telegram does not let a bot write first: person ${ctx.userId} has not opened a chat with the bot (they must press Start in it once).`;
  }
  if (/bot was blocked by the user/i.test(desc)) return `Person ${ctx.userId} has blocked the bot, so it cannot send them messages.`;
  if (/user is deactivated/i.test(desc)) return `Person ${ctx.userId} has deleted their Telegram account.`;
  if (/upgraded to a supergroup/i.test(desc)) {
    const to = e.parameters.migrate_to_chat_id;
    return `Group ${group} was upgraded to a supergroup and has a new id${to ? ` (${to})` : ''}. Add the group again with the new id.`;
  }
  if (/not enough rights|CHAT_ADMIN_REQUIRED|need administrator rights|have no rights/i.test(desc)) {
    return `The bot is not allowed to ${what} in group ${group} (Telegram said: "${desc}"). Make the bot an admin of the group with that right.`;
  }
  if (/HIDE_REQUESTER_MISSING/.test(desc)) return `Person ${ctx.userId} has no pending request to join group ${group} (it was already handled or withdrawn).`;
  if (/USER_ALREADY_PARTICIPANT/.test(desc)) return `Person ${ctx.userId} is already a member of group ${group}.`;
  return `Telegram refused to ${what}${where(ctx)}: ${desc}.`;
}

interface FetchFailure {
  name?: string;
  code?: string;
  type?: string;
  message?: string;
}

function fromNetwork(e: HttpError, ctx: CallContext): ChannelError {
  const inner = (e.error ?? {}) as FetchFailure;
  const code = inner.code ?? (inner.name === 'AbortError' ? 'ABORTED' : /timed out/i.test(inner.message ?? '') ? 'TIMEOUT' : inner.type);
  // The fetch error's message holds the request URL, and so the token: keep a redacted copy only.
  const cause = new Error(redact(`${e.message} ${inner.message ?? ''}`.trim(), ctx.token));
  const opts = { platformCode: code ?? 'network', cause };
  const what = WHAT[ctx.method] ?? ctx.method;
  if (code && NEVER_SENT.has(code)) {
    return new ChannelError('transient', `Could not reach the Telegram Bot API at ${ctx.apiRoot} (${code}); nothing was sent. It can be tried again.`, opts);
  }
  if (ctx.sends) {
    return new ChannelError(
      'ambiguous',
      `The request to ${what}${where(ctx)} was sent to Telegram but no answer came back (${code ?? 'network error'}), so Chorus cannot tell whether it was carried out. Check the chat before sending it again.`,
      opts,
    );
  }
  return new ChannelError('transient', `The connection to the Telegram Bot API failed while trying to ${what}${where(ctx)} (${code ?? 'network error'}); it can be tried again.`, opts);
}

/** Any failure of a grammY call → ChannelError, with the token redacted from every message. */
export function toChannelError(err: unknown, ctx: CallContext): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof GrammyError) return fromTelegram(err, ctx);
  if (err instanceof HttpError) return fromNetwork(err, ctx);
  const message = redact(err instanceof Error ? err.message : String(err), ctx.token);
  return new ChannelError(ctx.sends ? 'ambiguous' : 'transient', `Calling Telegram to ${WHAT[ctx.method] ?? ctx.method}${where(ctx)} failed unexpectedly: ${message}`, {
    cause: new Error(message),
  });
}
