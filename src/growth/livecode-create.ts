// Live codes: when every group is full and the live code may create one, what the platform can do
// itself. WeCom has no API that creates a customer group, but a join way (「加入群聊」) with
// `auto_create_room: 1` over the newest (at most 5) of the live code's WeCom groups makes WeCom
// create "<live code name><n>" when the next person scans it; its QR is what /j/<code> shows
// meanwhile, and its `state` (the live code's id) comes back with each join. Wechaty: Room.create
// with the bot and the staff contacts of the live code's groups (their leaders and assistants;
// WeChat wants two besides the account). Each is a bot `create_group` row of the live code's
// operation, sent by the dispatcher like any other; elsewhere (Telegram, manual) the caller gives
// staff the task. docs/growth-livecodes.md.

import { sql } from 'kysely';
import { type Msg, msg } from '../i18n/index.ts';
import type { NewLedgerRow } from '../run/ledger.ts';
import { declaredCapabilities } from '../run/triggers.ts';
import type { Db } from '../store/db.ts';
import { defaultCap, JOIN_WAY_GROUPS, joinWaySet, liveCodeState, roomBaseName, wecomMayAutoCreate } from './livecode-rules.ts';
import { newGroupText, type SlotRow } from './livecode-slots.ts';

/** `row`: the platform creates the group; `why`: it could, but not here (the operators are told, staff get the task). */
export type Creation = { row: NewLedgerRow } | { why: Msg };

/** WeChat creates a group of the account and at least two others (Wechaty's Room.create checks it too). */
const WECHAT_MIN_CONTACTS = 2;

/** The staff of these groups on this channel: members holding the leader or assistant role, as platform ids. */
async function staffContacts(db: Db, channelId: string, groupIds: readonly string[]): Promise<string[]> {
  if (!groupIds.length) return [];
  const r = await sql<{ external_id: string }>`
    SELECT i.external_id FROM member_roles r
    JOIN member_identities i ON i.member_id = r.member_id AND i.channel_id = ${channelId} AND NOT i.is_bot
    WHERE r.group_id = ANY(${[...groupIds]}::text[]) AND r.role IN ('leader', 'assistant')
    GROUP BY i.external_id ORDER BY min(CASE r.role WHEN 'leader' THEN 0 ELSE 1 END), min(r.set_at) LIMIT 20`.execute(db);
  return r.rows.map((x) => x.external_id);
}

/**
 * The platform's way to make the next group after `all` (the live code's active groups, by
 * position): decided by the newest group's channel. Undefined when that platform cannot.
 */
export async function platformCreation(db: Db, lc: { id: string; name: string }, all: readonly SlotRow[], now: Date): Promise<Creation | undefined> {
  const last = all[all.length - 1];
  if (last?.channel_status !== 'active' || (last.channel_kind !== 'wecom' && last.channel_kind !== 'wechaty')) return undefined;
  if ((await declaredCapabilities(db, last.channel_id)).create_group === 'none') return undefined;
  const same = all.filter((s) => s.channel_id === last.channel_id);
  const row = (content: NewLedgerRow['content']): Creation => ({
    row: {
      groupId: last.group_id,
      stepId: 'livecode-new-group',
      occurrence: 1,
      action: 'create_group',
      mode: 'bot',
      executor: 'bot',
      assignee: null,
      senderAccount: last.channel_id,
      dueAt: now,
      windowMinutes: 60,
      content,
    },
  });
  const text = newGroupText(lc.name, last.name);
  if (last.channel_kind === 'wecom') {
    const set = same.slice(-JOIN_WAY_GROUPS);
    if (!wecomMayAutoCreate(set.map((s) => s.cap))) return { why: msg('livecode.notice.wecomCap', { livecode: lc.name, cap: defaultCap('wecom') ?? 0 }) };
    return row({ text, name: roomBaseName(lc.name), fromChatIds: joinWaySet(set.map((s) => s.external_id)), firstIndex: all.length + 1, state: liveCodeState(lc.id) });
  }
  const staff = await staffContacts(
    db,
    last.channel_id,
    same.map((s) => s.group_id),
  );
  if (staff.length < WECHAT_MIN_CONTACTS) return { why: msg('livecode.notice.wechatyStaff', { livecode: lc.name }) };
  // The room starts with the account and its staff: a cap they already fill would make a full room, then another.
  if (last.cap !== null && last.cap <= staff.length + 1) return { why: msg('livecode.notice.capTooSmall', { livecode: lc.name, cap: last.cap, people: staff.length + 1 }) };
  return row({ text, name: `${lc.name} ${all.length + 1}`, memberIds: staff });
}
