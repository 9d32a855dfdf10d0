// Who carries out one member's row of an audience step: the bot, where it can write to the
// person, or a person (the group's leader) told whom to write to. Pure: the channel, what it can
// do and what Chorus knows of the person decide.
//
// - Telegram: a bot may write to a person only after they pressed Start in its chat
//   (`dm_chat_id`, set when the bot receives `/start`); until then a person writes, and their
//   task carries the start link to send once.
// - WeCom: `add_msg_template` with `chat_type: single` to the external contact (a staff member
//   confirms it in the WeCom app).
// - Wechaty (a personal WeChat account): `contact.say` to the contact.
// - sandbox: the bot; manual, or a person without an identity on this channel: a person.

import type { CapabilityMatrix, ChannelKind } from '../channels/port.ts';

export interface MemberIdentity {
  externalId: string;
  username?: string | null;
  dmChatId?: string | null;
}

export type WhyPerson = 'by_person' | 'no_api' | 'no_identity' | 'not_started';

export type Delivery = { mode: 'bot'; userId: string } | { mode: 'human'; why: WhyPerson };

/** A private message (`notify`, `direct_message`, `remind`, `survey`) to one member. */
export function messageDelivery(input: { kind: ChannelKind | string; caps: CapabilityMatrix; executor: string; identity?: MemberIdentity }): Delivery {
  if (input.executor !== 'bot') return { mode: 'human', why: 'by_person' };
  if (input.caps.direct_message === 'none') return { mode: 'human', why: 'no_api' };
  const id = input.identity;
  if (!id) return { mode: 'human', why: 'no_identity' };
  if (input.kind === 'telegram') return id.dmChatId ? { mode: 'bot', userId: id.dmChatId } : { mode: 'human', why: 'not_started' };
  return { mode: 'bot', userId: id.externalId };
}

/**
 * Inviting one member into another group (`move`): on Telegram a one-use invite link sent
 * privately (so only once they started the bot), on Wechaty `room.add`; elsewhere a person.
 */
export function moveDelivery(input: { kind: ChannelKind | string; caps: CapabilityMatrix; executor: string; identity?: MemberIdentity }): Delivery {
  if (input.executor !== 'bot') return { mode: 'human', why: 'by_person' };
  const id = input.identity;
  if (input.kind === 'telegram') {
    if (input.caps.create_invite_link === 'none' || input.caps.direct_message === 'none') return { mode: 'human', why: 'no_api' };
    if (!id) return { mode: 'human', why: 'no_identity' };
    return id.dmChatId ? { mode: 'bot', userId: id.dmChatId } : { mode: 'human', why: 'not_started' };
  }
  if (input.caps.add_member !== 'auto') return { mode: 'human', why: 'no_api' };
  if (!id) return { mode: 'human', why: 'no_identity' };
  return { mode: 'bot', userId: id.externalId };
}

/** How a person recognises the member: their name and, where known, their handle on the platform. */
export function memberLabel(name: string, identity: MemberIdentity | undefined, kind: string): string {
  if (!identity) return name;
  const handle = identity.username ? (identity.username.startsWith('@') || kind !== 'telegram' ? identity.username : `@${identity.username}`) : identity.externalId;
  return handle && handle !== name ? `${name} (${handle})` : name;
}
