// The customer group ("客户群") as WeCom's externalcontact/groupchat/get returns it, and its
// translation to Chorus' GroupInfo. Field names follow the official docs.

import type { GroupInfo, MemberRef } from '../port.ts';

export interface GroupChatMember {
  userid: string;
  /** 1 = a staff member of the company, 2 = an external contact (customer). */
  type: 1 | 2;
  join_time?: number;
  /** 1 = invited directly by a member, 2 = invited by link, 3 = scanned the group QR code. */
  join_scene?: number;
  invitor?: { userid: string };
  /**
   * The `state` of the join way (「加入群聊」) or contact way (「联系我」) the member came through,
   * when it had one (客户群「加入群聊」管理, 附录: 获取客户群详情, 返回state参数).
   */
  state?: string;
  group_nickname?: string;
  /** Only when need_name = 1. */
  name?: string;
  unionid?: string;
}

export interface GroupChatDetail {
  chat_id: string;
  name: string;
  owner: string;
  create_time?: number;
  notice?: string;
  member_list: GroupChatMember[];
  admin_list?: { userid: string }[];
  member_version?: string;
}

export function memberRef(m: GroupChatMember): MemberRef {
  const name = m.group_nickname || m.name;
  return name ? { externalId: m.userid, name } : { externalId: m.userid };
}

export function toGroupInfo(g: GroupChatDetail): GroupInfo {
  const info: GroupInfo = {
    chatId: g.chat_id,
    // A customer group that was never named shows its members' names in the client; the API gives "".
    title: g.name ?? '',
    memberCount: g.member_list.length,
    owner: { externalId: g.owner },
    members: g.member_list.map(memberRef),
  };
  if (g.notice) info.notice = g.notice;
  const states = g.member_list.filter((m) => m.state);
  if (states.length) info.joinStates = Object.fromEntries(states.map((m) => [m.userid, m.state as string]));
  return info;
}

/** Words for a join scene. The callback's JoinScene and groupchat/get's join_scene number differently. */
export function callbackJoinScene(code: number): string {
  // Callback (客户群变更事件): 0 = invited by a group member (directly or by link), 3 = group QR code.
  if (code === 0) return 'invited_by_member';
  if (code === 3) return 'qr_code';
  return `join_scene_${code}`;
}

export function detailJoinScene(code: number): string {
  // groupchat/get member_list.join_scene: 1 = invited directly, 2 = invite link, 3 = group QR code.
  if (code === 1) return 'direct_invite';
  if (code === 2) return 'invite_link';
  if (code === 3) return 'qr_code';
  return `join_scene_${code}`;
}
