// What a connector did to a group, reflected in Chorus's group. The dispatcher calls
// `recordGroupEffect` after the platform accepted an action (data flows one way: dispatch →
// community): a rename changes the group's name, a notice its announcement, an invite link is kept
// as the group's current one, a disband archives the group (status `dismissed`) and cancels what was
// still to be done there — the same as when the platform tells us the group was dismissed.
//
// The platform's own echo (Telegram's new_chat_title, Wechaty's room-topic, WeCom's callback) may
// arrive too; it sets the same values, so the two never disagree.

import type { OutboundAction, PerformResult } from '../channels/port.ts';
import { moveRows } from '../run/ledger.ts';
import { noticeColumns } from '../run/notices.ts';
import { OPEN_STATES } from '../run/states.ts';
import { msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';

export interface GroupEffect {
  name?: string;
  announcement?: string;
  invite?: { link: string; expiresAt: Date | null };
  dismissed?: true;
}

type Done = Extract<PerformResult, { status: 'done' }>;

function expiry(v: unknown): Date | null {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isFinite(d.getTime()) ? d : null;
  }
  return null;
}

/** The change an accepted action makes to the group; undefined when it changes nothing Chorus keeps. Pure. */
export function groupEffectOf(action: OutboundAction, result: Done): GroupEffect | undefined {
  switch (action.type) {
    case 'rename':
      return { name: action.name };
    case 'announce':
      return { announcement: action.text };
    case 'disband':
      return { dismissed: true };
    case 'create_invite_link': {
      // A personal link (one member, or a WeCom join way with its participant's state) belongs to
      // its applicant or participant, not to the group.
      if (action.memberLimit !== undefined || action.state !== undefined) return undefined;
      const link = result.data?.inviteLink;
      if (typeof link !== 'string' || !link) return undefined;
      return { invite: { link, expiresAt: expiry(result.data?.expiresAt) } };
    }
    default:
      return undefined;
  }
}

/** Applies an effect to the group, in the caller's transaction when it has one. */
export async function applyGroupEffect(db: Db, groupId: string, effect: GroupEffect, actor: string): Promise<void> {
  const set: Record<string, unknown> = {};
  if (effect.name?.trim()) set.name = effect.name;
  if (effect.announcement !== undefined) set.announcement = effect.announcement;
  if (effect.invite) {
    set.invite_link = effect.invite.link;
    set.invite_expires_at = effect.invite.expiresAt;
  }
  if (Object.keys(set).length) await db.updateTable('groups').set(set).where('id', '=', groupId).execute();
  if (effect.dismissed) await dismissGroup(db, groupId, { actor, how: 'disbanded by Chorus' });
}

/**
 * Archives a group: status `dismissed`, its open rows (any run or broadcast) cancelled, operators
 * told when there were any. Returns the cancelled rows, or undefined when it was dismissed already.
 */
export async function dismissGroup(db: Db, groupId: string, opts: { actor: string; how: 'disbanded by Chorus' | 'dismissed on the platform' }): Promise<{ name: string; cancelled: number } | undefined> {
  const group = await db.selectFrom('groups').select(['name', 'status']).where('id', '=', groupId).executeTakeFirst();
  if (!group || group.status === 'dismissed') return undefined;
  await db.updateTable('groups').set({ status: 'dismissed' }).where('id', '=', groupId).execute();
  const open = await db
    .selectFrom('ledger')
    .select('id')
    .where('group_id', '=', groupId)
    .where('state', 'in', [...OPEN_STATES])
    .execute();
  const closed = await moveRows(
    db,
    open.map((r) => Number(r.id)),
    { from: OPEN_STATES, to: 'cancelled', actor: opts.actor, note: `the group was ${opts.how}` },
  );
  if (closed.length) {
    await db
      .insertInto('notifications')
      .values({
        recipient: 'operators',
        kind: 'channel',
        // Worded in each reader's language when listed (notifications.text), English in `message`.
        ...noticeColumns(msg(opts.how === 'disbanded by Chorus' ? 'notice.groupDisbanded' : 'notice.groupDismissed', { group: group.name, count: closed.length })),
      })
      .execute();
  }
  return { name: group.name, cancelled: closed.length };
}
