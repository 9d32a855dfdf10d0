// What a connector did to a group, reflected in Chorus's group. The dispatcher calls
// `recordGroupEffect` after the platform accepted an action (data flows one way: dispatch →
// community): a rename changes the group's name, a notice its announcement, an invite link is kept
// as the group's current one, a disband archives the group (status `dismissed`) and cancels what was
// still to be done there — the same as when the platform tells us the group was dismissed.
//
// The platform's own echo (Telegram's new_chat_title, Wechaty's room-topic, WeCom's callback) may
// arrive too; it sets the same values, so the two never disagree.
//
// Lifecycle (issue 9, docs/growth-lead-groups.md): every invite link Chorus makes is remembered
// (`group_invite_links`) so that a lead group's close can revoke exactly those; a revoke marks them;
// a `create_group` done by the bot binds the run's placeholder group to the new chat
// (`bindPlaceholder`, also called by ingest when the bot is added to a group a person created);
// a close where a person must disband the group archives it in Chorus (`archiveGroup`).

import type { OutboundAction, PerformResult } from '../channels/port.ts';
import { moveRows } from '../run/ledger.ts';
import { noticeColumns } from '../run/notices.ts';
import { OPEN_STATES } from '../run/states.ts';
import { msg } from '../i18n/index.ts';
import { type Db, sql } from '../store/db.ts';

export interface GroupEffect {
  name?: string;
  announcement?: string;
  invite?: { link: string; expiresAt: Date | null };
  /** The platform's id of the link made (a WeCom join way's config_id): what withdrawing it takes. */
  linkRef?: string;
  dismissed?: true;
  /** A link Chorus made that is not the group's shared one (a personal link): only remembered. */
  personalLink?: string;
  /** Links the platform withdrew. */
  revoked?: string[];
  /** The chat a `create_group` made: the placeholder group becomes it. */
  created?: { chatId: string };
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
      const link = result.data?.inviteLink;
      if (typeof link !== 'string' || !link) return undefined;
      const ref = typeof result.data?.configId === 'string' && result.data.configId ? { linkRef: result.data.configId } : {};
      // A personal link (one member, or a WeCom join way with its participant's state) belongs to
      // its applicant or participant, not to the group: it is only remembered (a close revokes it).
      if (action.memberLimit !== undefined || action.state !== undefined) return { personalLink: link, ...ref };
      return { invite: { link, expiresAt: expiry(result.data?.expiresAt) }, ...ref };
    }
    case 'revoke_invite_link': {
      // A close revokes several links in one row (dispatch/outbound.ts performRevoke): its result lists them.
      const list = result.data?.revoked;
      const revoked = Array.isArray(list) ? list.filter((l): l is string => typeof l === 'string') : [action.link];
      return revoked.length ? { revoked } : undefined;
    }
    case 'create_group': {
      const chatId = result.data?.chatId;
      return typeof chatId === 'string' && chatId ? { created: { chatId } } : undefined;
    }
    default:
      return undefined;
  }
}

/** The effect of a link made for one person (a campaign participant's): remembered, not the group's current link. */
export function asPersonal(effect: GroupEffect | undefined): GroupEffect | undefined {
  return effect?.invite ? { personalLink: effect.invite.link, ...(effect.linkRef ? { linkRef: effect.linkRef } : {}) } : effect;
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
  const made = effect.invite?.link ?? effect.personalLink;
  if (made) {
    await db
      .insertInto('group_invite_links')
      .values({ group_id: groupId, link: made, personal: !effect.invite, platform_ref: effect.linkRef ?? null })
      .onConflict((oc) => oc.columns(['group_id', 'link']).doNothing())
      .execute();
  }
  if (effect.revoked?.length) await markRevoked(db, groupId, effect.revoked);
  if (effect.created) await bindPlaceholder(db, groupId, effect.created.chatId, { actor });
  if (effect.dismissed) await dismissGroup(db, groupId, { actor, how: 'disbanded by Chorus' });
}

/** The links revoked on the platform: withdrawn in Chorus too, the group's current link cleared if it was one. */
export async function markRevoked(db: Db, groupId: string, links: readonly string[]): Promise<void> {
  if (!links.length) return;
  await db.updateTable('group_invite_links').set({ revoked_at: new Date() }).where('group_id', '=', groupId).where('link', 'in', [...links]).where('revoked_at', 'is', null).execute();
  await db.updateTable('groups').set({ invite_link: null, invite_expires_at: null }).where('id', '=', groupId).where('invite_link', 'in', [...links]).execute();
}

/** The links Chorus made for a group that are not revoked yet (what a close withdraws). */
export async function liveInviteLinks(db: Db, groupId: string): Promise<{ link: string; ref: string | null }[]> {
  const rows = await db.selectFrom('group_invite_links').select(['link', 'platform_ref']).where('group_id', '=', groupId).where('revoked_at', 'is', null).orderBy('id').execute();
  return rows.map((r) => ({ link: r.link, ref: r.platform_ref }));
}

/** A group a run creates, before it exists on the platform (docs/growth-lead-groups.md). */
export const PENDING = 'pending';
export const pendingExternalId = (groupId: string) => `pending:${groupId}`;

/**
 * The real chat of a run's placeholder group is known (the bot created it, or the bot was added to
 * the group a person created): the run's rows for the placeholder now act there. When Chorus has
 * not seen the chat yet, the placeholder simply becomes it; when it has (ingest saw the bot join
 * first), the placeholder's rows and run places move to that group, which takes the placeholder's
 * name, type, leader, tags and close time where it has none, and the placeholder is retired
 * (`merged`). Returns the group the rows now belong to; undefined when `groupId` is not pending.
 */
export async function bindPlaceholder(db: Db, groupId: string, chatId: string, opts: { actor: string; at?: Date }): Promise<string | undefined> {
  const p = await db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
  if (!p || p.status !== PENDING) return undefined;
  const seen = await db.selectFrom('groups').selectAll().where('channel_id', '=', p.channel_id).where('external_id', '=', chatId).executeTakeFirst();
  let target = groupId;
  if (!seen) {
    await db.updateTable('groups').set({ external_id: chatId, status: 'active' }).where('id', '=', groupId).execute();
  } else {
    target = seen.id;
    const tags = seen.tags.length ? seen.tags : p.tags;
    await db
      .updateTable('groups')
      .set({
        community: seen.community ?? p.community,
        leader: seen.leader ?? p.leader,
        tags,
        closes_at: seen.closes_at ?? p.closes_at,
        attrs: JSON.stringify({ ...(typeof p.attrs === 'string' ? JSON.parse(p.attrs) : p.attrs), ...(typeof seen.attrs === 'string' ? JSON.parse(seen.attrs) : seen.attrs) }),
        ...(seen.status === 'access_lost' ? { status: 'active' } : {}),
      })
      .where('id', '=', seen.id)
      .execute();
    await db.updateTable('ledger').set({ group_id: seen.id }).where('group_id', '=', groupId).execute();
    await sql`UPDATE run_groups SET group_id = ${seen.id} WHERE group_id = ${groupId}
              AND NOT EXISTS (SELECT 1 FROM run_groups o WHERE o.run_id = run_groups.run_id AND o.group_id = ${seen.id})`.execute(db);
    await db.deleteFrom('run_groups').where('group_id', '=', groupId).execute();
    await db.updateTable('groups').set({ status: 'merged' }).where('id', '=', groupId).execute();
  }
  // A person's "create the group" task is done now that the group is there.
  // (A task the sweep already marked missed is done late.)
  const tasks = await db.selectFrom('ledger').select(['id', 'state', 'due_at', 'window_minutes']).where('group_id', '=', target).where('action', '=', 'create_group').where('state', 'in', ['assigned', 'missed']).execute();
  const at = opts.at ?? new Date();
  for (const t of tasks) {
    const onTime = t.state === 'assigned' && at.getTime() <= new Date(t.due_at).getTime() + t.window_minutes * 60_000;
    await moveRows(db, [Number(t.id)], { from: onTime ? ['assigned'] : ['assigned', 'missed'], to: onTime ? 'done' : 'done_late', actor: opts.actor, note: 'the group appeared on the platform', set: { executed_by: opts.actor, executed_at: at, on_time: onTime } });
  }
  return target;
}

/**
 * A placeholder a group the bot was just added to stands for: on the same channel, still pending,
 * with a `create_group` task open, and the same name (spaces and case aside). The oldest first.
 */
export async function placeholderNamed(db: Db, channelId: string, title: string): Promise<string | undefined> {
  const wanted = title.trim().toLowerCase();
  if (!wanted) return undefined;
  const r = await sql<{ id: string }>`
    SELECT g.id FROM groups g
    WHERE g.channel_id = ${channelId} AND g.status = ${PENDING} AND lower(btrim(g.name)) = ${wanted}
      AND EXISTS (SELECT 1 FROM ledger l WHERE l.group_id = g.id AND l.action = 'create_group' AND l.state IN ('assigned', 'planned', 'due', 'retry_wait', 'failed'))
    ORDER BY g.created_at, g.id LIMIT 1`.execute(db);
  return r.rows[0]?.id;
}

/**
 * A lead group's close where the platform does not let the bot disband it (Telegram, WeCom,
 * WeChat): Chorus stops operating it — status `archived`, everything still open there cancelled
 * except the owner's task to disband it. When the platform later reports the group gone, it becomes
 * `dismissed` and that task done. `keepSteps`: rows of these steps stay open.
 */
export async function archiveGroup(db: Db, groupId: string, opts: { actor: string; keepSteps?: readonly string[] }): Promise<boolean> {
  const moved = await db.updateTable('groups').set({ status: 'archived' }).where('id', '=', groupId).where('status', '=', 'active').returning('id').executeTakeFirst();
  if (!moved) return false;
  let q = db
    .selectFrom('ledger')
    .select('id')
    .where('group_id', '=', groupId)
    .where('state', 'in', [...OPEN_STATES])
    .where((eb) => eb.not(eb.and([eb('action', '=', 'disband'), eb('mode', '=', 'human')])));
  // The close's own goodbye and revoke still go when pacing held them past the close.
  if (opts.keepSteps?.length) q = q.where('step_id', 'not in', [...opts.keepSteps]);
  const open = await q.execute();
  await moveRows(db, open.map((r) => Number(r.id)), { from: OPEN_STATES, to: 'cancelled', actor: opts.actor, note: 'the group was closed and archived' });
  return true;
}

/**
 * Archives a group: status `dismissed`, its open rows (any run or broadcast) cancelled, operators
 * told when there were any. Returns the cancelled rows, or undefined when it was dismissed already.
 */
export async function dismissGroup(db: Db, groupId: string, opts: { actor: string; how: 'disbanded by Chorus' | 'dismissed on the platform' }): Promise<{ name: string; cancelled: number } | undefined> {
  const group = await db.selectFrom('groups').select(['name', 'status']).where('id', '=', groupId).executeTakeFirst();
  if (!group || group.status === 'dismissed') return undefined;
  await db.updateTable('groups').set({ status: 'dismissed' }).where('id', '=', groupId).execute();
  if (opts.how === 'dismissed on the platform') {
    // The owner's task to disband it (a lead group's close) is done: the group is gone.
    const tasks = await db.selectFrom('ledger').select('id').where('group_id', '=', groupId).where('action', '=', 'disband').where('state', '=', 'assigned').execute();
    await moveRows(db, tasks.map((t) => Number(t.id)), { from: ['assigned'], to: 'done', actor: opts.actor, note: 'the platform reports the group dismissed', set: { executed_by: opts.actor, executed_at: new Date() } });
  }
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
