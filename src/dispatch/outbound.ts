// A ledger row → the connector action that executes it. Pure.

import { ChannelError, type Connector, type OutboundAction, type PerformResult } from '../channels/port.ts';
import type { LedgerRow } from '../run/ledger.ts';

export class NotSendable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSendable';
  }
}

export function toOutbound(row: Pick<LedgerRow, 'action' | 'content' | 'memberId'>, chatId: string): OutboundAction {
  const c = row.content;
  switch (row.action) {
    case 'post':
    case 'checkin':
    case 'survey':
      return {
        type: 'post',
        chatId,
        text: c.text,
        ...(c.link ? { link: c.link } : {}),
        ...(c.image ? { image: c.image } : {}),
        ...(c.file ? { file: c.file } : {}),
        ...(c.replyTo ? { replyTo: { messageId: c.replyTo, ...(c.userId ? { userId: c.userId } : {}) } } : {}),
      };
    case 'announce':
      return { type: 'announce', chatId, text: c.text };
    case 'welcome':
      return { type: 'welcome', chatId, text: c.text };
    case 'rename':
      return { type: 'rename', chatId, name: c.name ?? c.text };
    case 'invite':
      // With a state (WeCom): a join way whose joins come back with it — a personal link.
      return { type: 'create_invite_link', chatId, name: c.text || undefined, ...(c.state ? { state: c.state } : {}) };
    case 'disband':
      return { type: 'disband', chatId };
    case 'create_group':
      return {
        type: 'create_group',
        name: c.name ?? c.text,
        ...(c.memberIds?.length ? { memberIds: c.memberIds } : {}),
        ...(c.fromChatIds?.length ? { fromChatIds: c.fromChatIds } : {}),
        ...(c.firstIndex !== undefined ? { firstIndex: c.firstIndex } : {}),
        ...(c.state ? { state: c.state } : {}),
      };
    case 'revoke_invite_links':
      // A lead group's close: every link Chorus made for it (filled in when claimed), see performRevoke.
      if (!c.links?.length) throw new NotSendable('there is no invite link to revoke');
      return { type: 'revoke_invite_link', chatId, link: c.links[0], ...(c.linkRefs?.[c.links[0]] ? { ref: c.linkRefs[c.links[0]] } : {}) };
    case 'notify':
    case 'direct_message':
    case 'remind':
      if (!c.userId) throw new NotSendable('this private message has no recipient; it needs a person to send it');
      // A `link:` goes with the private message (in the text: a private message has no link field).
      return { type: 'direct_message', userId: c.userId, chatId, text: c.link && !c.text.includes(c.link) ? `${c.text.trimEnd()}\n\n${c.link}` : c.text };
    // People operations (src/run/admission/platform.ts): the person is `content.userId`.
    case 'approve_join':
    case 'decline_join':
    case 'ban':
    case 'remove':
    case 'unban': {
      if (!c.userId) throw new NotSendable(`this ${row.action} names nobody; it needs a person to do it`);
      if (row.action === 'approve_join' || row.action === 'decline_join') return { type: row.action, chatId, userId: c.userId };
      if (row.action === 'unban') return { type: 'unban_member', chatId, userId: c.userId };
      return { type: 'remove_member', chatId, userId: c.userId, ban: row.action === 'ban' };
    }
    // Moderation (src/insight/moderation-actions.ts): the message, or the member in `content.userId`.
    case 'delete_message':
      if (!c.messageId) throw new NotSendable('this deletion names no message; it needs a person to do it');
      return { type: 'delete_message', chatId, messageId: c.messageId };
    case 'mute':
    case 'unmute':
      if (!c.userId) throw new NotSendable(`this ${row.action} names nobody; it needs a person to do it`);
      return row.action === 'mute'
        ? { type: 'restrict_member', chatId, userId: c.userId, ...(c.until ? { until: new Date(c.until) } : {}) }
        : { type: 'unrestrict_member', chatId, userId: c.userId };
    case 'personal_invite':
      // A link for one person: it admits one member and is not the group's shared link.
      return { type: 'create_invite_link', chatId, memberLimit: 1, ...(c.name ? { name: c.name } : {}) };
    case 'campaign_link':
      // A campaign participant's personal link (src/growth/campaign-enrol.ts): no member limit, named
      // for them; on WeCom the join way carries their token as its `state`. Not the group's shared link.
      return { type: 'create_invite_link', chatId, ...(c.name ? { name: c.name } : {}), ...(c.state ? { state: c.state } : {}) };
    case 'move':
      // A member's invitation into another group (src/run/expand.ts): see performMove.
      if (!c.userId || !c.intoChatId) throw new NotSendable('this invitation has no person or no group to invite into; it needs a person to do it');
      return { type: 'direct_message', userId: c.userId, text: c.text };
    default:
      throw new NotSendable(`a bot cannot do "${row.action}"; it is a task for a person`);
  }
}

/**
 * A member's `move`: on a platform that can add a person to a group (Wechaty `room.add`), that;
 * otherwise a one-use invite link into the target group (Telegram `createChatInviteLink` with
 * `member_limit: 1`) sent to the person privately with the row's text. The link, if made, is kept
 * in the result even when the private message then fails.
 */
export async function performMove(connector: Connector, row: Pick<LedgerRow, 'content'>): Promise<PerformResult> {
  const c = row.content;
  if (!c.userId || !c.intoChatId) throw new NotSendable('this invitation has no person or no group to invite into; it needs a person to do it');
  if (connector.capabilities.add_member === 'auto') return connector.perform({ type: 'add_member', chatId: c.intoChatId, userId: c.userId });
  const made = await connector.perform({ type: 'create_invite_link', chatId: c.intoChatId, memberLimit: 1, name: (c.member?.name ?? 'Chorus').slice(0, 32) });
  const link = made.status === 'done' ? made.data?.inviteLink : undefined;
  if (typeof link !== 'string' || !link) throw new NotSendable('the platform made no invite link for this group; it needs a person to invite them');
  const sent = await connector.perform({ type: 'direct_message', userId: c.userId, text: `${c.text.trimEnd()}\n${link}` });
  return sent.status === 'done' ? { ...sent, data: { ...(sent.data ?? {}), inviteLink: link } } : sent;
}

/**
 * A lead group's close: every invite link Chorus made for the group is revoked, one platform call
 * each. Revoking a link twice is harmless, so a retry of the row after a transient failure may
 * repeat some. A link the platform refuses to revoke (it expired, or is not the bot's) is listed
 * and the others go on; if none could be revoked, the first refusal fails the row.
 */
export async function performRevoke(connector: Connector, row: Pick<LedgerRow, 'content'>, chatId: string): Promise<PerformResult> {
  const revoked: string[] = [];
  const notRevoked: { link: string; reason: string }[] = [];
  let first: unknown;
  for (const link of row.content.links ?? []) {
    try {
      const ref = row.content.linkRefs?.[link];
      await connector.perform({ type: 'revoke_invite_link', chatId, link, ...(ref ? { ref } : {}) });
      revoked.push(link);
    } catch (e) {
      if (!(e instanceof ChannelError) || e.kind !== 'permanent') throw e;
      first ??= e;
      notRevoked.push({ link, reason: e.message });
    }
  }
  if (!revoked.length && first) throw first;
  return { status: 'done', at: new Date(), data: { revoked, ...(notRevoked.length ? { notRevoked } : {}) } };
}
