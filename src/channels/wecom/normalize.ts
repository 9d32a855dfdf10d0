// Decrypted WeCom callback XML → InboundEvent[] (pure). Only customer-group events
// (Event = change_external_chat) become events; everything else is ignored here.
//
// The callback says *what* changed, not always *to what*: change_name carries no new name and
// change_notice no text, and MemChangeList (the ids that joined or left) is absent in older
// payloads. When the caller looked the group up (groupchat/get) it passes the detail and the
// events are complete; otherwise such a change becomes `group_seen`, which tells ingest to
// reconcile the group — WeCom itself says callbacks may come late, out of order or not at all.

import type { InboundEvent, MemberRef } from '../port.ts';
import { callbackJoinScene, detailJoinScene, type GroupChatDetail, memberRef } from './groupchat.ts';
import { childItems, childText, parseXml } from './xml.ts';

export interface GroupChatEvent {
  event: string;
  chatId: string;
  /** create | update | dismiss */
  changeType: string;
  /** add_member | del_member | change_owner | change_name | change_notice (update only) */
  updateDetail?: string;
  joinScene?: number;
  quitScene?: number;
  memChangeCnt?: number;
  memChangeList?: string[];
  at: Date;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads a decrypted callback. Returns undefined for events that are not customer-group changes. */
export function readGroupChatEvent(xml: string): GroupChatEvent | undefined {
  const root = parseXml(xml);
  const event = childText(root, 'Event') ?? '';
  const chatId = childText(root, 'ChatId') ?? '';
  if (childText(root, 'MsgType') !== 'event' || event !== 'change_external_chat' || chatId === '') return undefined;
  const created = num(childText(root, 'CreateTime'));
  const e: GroupChatEvent = {
    event,
    chatId,
    changeType: childText(root, 'ChangeType') ?? '',
    at: new Date(created !== undefined ? created * 1000 : 0),
  };
  const detail = childText(root, 'UpdateDetail');
  if (detail) e.updateDetail = detail;
  const join = num(childText(root, 'JoinScene'));
  if (join !== undefined) e.joinScene = join;
  const quit = num(childText(root, 'QuitScene'));
  if (quit !== undefined) e.quitScene = quit;
  const cnt = num(childText(root, 'MemChangeCnt'));
  if (cnt !== undefined) e.memChangeCnt = cnt;
  const list = childItems(root, 'MemChangeList');
  if (list && list.length > 0) e.memChangeList = list;
  return e;
}

/** Turns a decrypted callback (and, when known, the group's current detail) into events. */
export function normalize(xml: string, detail?: GroupChatDetail): InboundEvent[] {
  const e = readGroupChatEvent(xml);
  return e ? groupChatEvents(e, detail?.chat_id === e.chatId ? detail : undefined) : [];
}

export function groupChatEvents(e: GroupChatEvent, detail?: GroupChatDetail): InboundEvent[] {
  const { chatId, at } = e;
  const seen = (): InboundEvent[] => {
    const ev: InboundEvent = { type: 'group_seen', chatId, at, raw: e };
    if (detail) {
      ev.title = detail.name;
      ev.memberCount = detail.member_list.length;
    }
    return [ev];
  };
  if (e.changeType === 'create') return seen();
  if (e.changeType === 'dismiss') return [{ type: 'group_dismissed', chatId, at }];
  if (e.changeType !== 'update') return seen();

  switch (e.updateDetail) {
    case 'add_member': {
      if (!e.memChangeList) return seen();
      return e.memChangeList.map((id): InboundEvent => {
        const m = detail?.member_list.find((x) => x.userid === id);
        const via: { inviter?: MemberRef; scene?: string; state?: string } = {};
        if (m?.join_scene !== undefined) via.scene = detailJoinScene(m.join_scene);
        else if (e.joinScene !== undefined) via.scene = callbackJoinScene(e.joinScene);
        if (m?.invitor?.userid) via.inviter = { externalId: m.invitor.userid };
        // The callback never carries the state; groupchat/get's member_list does.
        if (m?.state) via.state = m.state;
        return { type: 'member_joined', chatId, member: m ? memberRef(m) : { externalId: id }, via, at };
      });
    }
    case 'del_member': {
      if (!e.memChangeList) return seen();
      // QuitScene: 0 = left by themselves, 1 = removed by the owner or an admin.
      const reason = e.quitScene === 1 ? 'removed' : 'voluntary';
      return e.memChangeList.map((id): InboundEvent => ({ type: 'member_left', chatId, member: { externalId: id }, reason, at }));
    }
    case 'change_name':
      return detail ? [{ type: 'group_renamed', chatId, title: detail.name, at }] : seen();
    case 'change_notice': {
      const ev: InboundEvent = { type: 'announcement_changed', chatId, at };
      if (detail?.notice !== undefined) ev.text = detail.notice;
      return [ev];
    }
    default:
      // change_owner and anything newer: the group changed in a way with no event of its own.
      return seen();
  }
}
