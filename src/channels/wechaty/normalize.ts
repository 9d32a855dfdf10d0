// Wechaty room events → normalized InboundEvents. Pure: index.ts reads the Wechaty objects
// (which need puppet calls) into these plain shapes first.

import type { InboundEvent, MemberRef } from '../port.ts';

export interface WechatyPerson {
  id: string;
  name?: string;
  /** The logged-in account itself (the "bot"). */
  self?: boolean;
}

export interface WechatyRoomInfo {
  id: string;
  topic?: string;
  memberCount?: number;
}

export type WechatyEvent =
  | { kind: 'room-join'; room: WechatyRoomInfo; invitees: WechatyPerson[]; inviter?: WechatyPerson; at: Date }
  | { kind: 'room-leave'; room: WechatyRoomInfo; leavers: WechatyPerson[]; remover?: WechatyPerson; at: Date }
  | { kind: 'room-topic'; room: WechatyRoomInfo; newTopic: string; changer?: WechatyPerson; at: Date }
  | {
      kind: 'message';
      /** Absent for one-to-one chats: Chorus only follows groups. */
      room?: WechatyRoomInfo;
      messageId: string;
      talker: WechatyPerson;
      text: string;
      /** The URL of a link card (a Url-type message), which has no URL in its text. */
      cardUrl?: string;
      /** The message is a picture. */
      image?: boolean;
      mentionIds: string[];
      at: Date;
    };

export function memberRef(p: WechatyPerson): MemberRef {
  return { externalId: p.id, ...(p.name ? { name: p.name } : {}), ...(p.self ? { isBot: true } : {}) };
}

// Stops at whitespace, quotes, angle brackets, CJK text and full-width punctuation: WeChat users
// write a link straight into Chinese text without a space ("看这里https://x.cn，谢谢").
const URL_RE = /https?:\/\/[^\s<>"'\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+/gi;
const TRAILING = /[.,;:!?\]}]+$/;

/** Drops sentence punctuation after a link; keeps a ")" that closes one opened inside it. */
function trimLink(raw: string): string {
  let url = raw.replace(TRAILING, '');
  while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
    url = url.slice(0, -1).replace(TRAILING, '');
  }
  return url;
}

/** The links in a message text, in order, without trailing sentence punctuation. */
export function extractLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimLink(m[0]);
    if (url.length > 'https://'.length && !out.includes(url)) out.push(url);
  }
  return out;
}

function groupSeen(room: WechatyRoomInfo, at: Date): InboundEvent {
  return {
    type: 'group_seen',
    chatId: room.id,
    ...(room.topic ? { title: room.topic } : {}),
    ...(room.memberCount !== undefined ? { memberCount: room.memberCount } : {}),
    at,
  };
}

/**
 * Normalizes one Wechaty event. `firstSight` is true when the connector has not seen this room
 * since it started: a `group_seen` goes first so that ingest knows the group before its events.
 */
export function normalizeWechatyEvent(event: WechatyEvent, firstSight: boolean): InboundEvent[] {
  const room = event.room;
  if (!room) return [];
  // A room first seen through a join (the account created it, or was added with others): the
  // count before the join, since ingest counts each member_joined that follows.
  const joining = event.kind === 'room-join' ? event.invitees.filter((p) => !p.self).length : 0;
  const before = room.memberCount !== undefined ? { ...room, memberCount: Math.max(0, room.memberCount - joining) } : room;
  const out: InboundEvent[] = firstSight ? [groupSeen(before, event.at)] : [];
  const chatId = room.id;

  switch (event.kind) {
    case 'room-join':
      for (const p of event.invitees) {
        // The account itself joining a group is how Chorus learns of the group: group_seen above.
        if (p.self) continue;
        out.push({
          type: 'member_joined',
          chatId,
          member: memberRef(p),
          ...(event.inviter ? { via: { inviter: memberRef(event.inviter) } } : {}),
          at: event.at,
        });
      }
      return out;

    case 'room-leave': {
      for (const p of event.leavers) {
        const removedBy = event.remover && event.remover.id !== p.id ? event.remover : undefined;
        if (p.self) {
          out.push({
            type: 'access_lost',
            chatId,
            reason: removedBy
              ? `The WeChat account was removed from the group by ${removedBy.name ?? removedBy.id}.`
              : 'The WeChat account left the group.',
            at: event.at,
          });
          continue;
        }
        out.push({
          type: 'member_left',
          chatId,
          member: memberRef(p),
          reason: removedBy ? 'removed' : 'voluntary',
          ...(removedBy ? { by: memberRef(removedBy) } : {}),
          at: event.at,
        });
      }
      return out;
    }

    case 'room-topic':
      out.push({
        type: 'group_renamed',
        chatId,
        title: event.newTopic,
        ...(event.changer ? { by: memberRef(event.changer) } : {}),
        at: event.at,
      });
      return out;

    case 'message': {
      const links = extractLinks(event.text);
      if (event.cardUrl && !links.includes(event.cardUrl)) links.push(event.cardUrl);
      out.push({
        type: 'message',
        chatId,
        messageId: event.messageId,
        from: memberRef(event.talker),
        text: event.text,
        links,
        // Contact ids (MemberRef.externalId) of the people @-mentioned.
        mentions: [...new Set(event.mentionIds)],
        ...(event.image ? { image: true } : {}),
        at: event.at,
      });
      return out;
    }
  }
}
