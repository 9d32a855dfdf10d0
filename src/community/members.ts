// Members: one person, identities per channel. Within one channel the platform's id is the person
// (a Telegram user id is the same in every group the bot sees; a WeCom external_userid is the same
// across one corp's groups; a Wechaty contact id across one account's rooms), so (channel,
// external id) finds the member. Across channels no id is shared — a Telegram account and a WeCom
// contact carry nothing in common that proves they are one person (names are not proof) — so
// each channel's identity starts as its own member, and an operator links them with
// `linkMembers`.
//
// Memberships record each stay in a group: joined when and how, left when and why. Platforms
// redeliver and reorder events (WeCom retries callbacks and says they may arrive late or out of
// order; Telegram re-sends an update after a 5xx), so opening and closing compare instants with
// what is already known instead of trusting arrival order.

import { randomBytes } from 'node:crypto';
import type { MemberRef } from '../channels/port.ts';
import { type Db, sql } from '../store/db.ts';
import { recomputeMember } from './standing/apply.ts';

export interface MemberRow {
  id: string;
  name: string;
  /** True when this call created the member (first time the identity was seen). */
  created: boolean;
}

/** The member for a platform identity, created the first time it is seen; its name kept current. */
export async function ensureMember(db: Db, channelId: string, ref: MemberRef): Promise<MemberRow> {
  const name = ref.name?.trim() || undefined;
  // Without a name (WeCom's change list carries ids only) the platform id stands in until a later
  // event or a reconciliation brings the real one.
  const id = `mem_${randomBytes(6).toString('hex')}`;
  const memberName = name ?? ref.externalId;
  // One statement: the identity when known, else the new member and its identity.
  const r = await sql<{ member_id: string | null; identity_name: string | null; is_bot: boolean | null; member_name: string | null; created: string | null }>`
    WITH known AS (
      SELECT i.member_id, i.name AS identity_name, i.is_bot, m.name AS member_name
      FROM member_identities i JOIN members m ON m.id = i.member_id
      WHERE i.channel_id = ${channelId} AND i.external_id = ${ref.externalId}),
    nm AS (INSERT INTO members (id, name) SELECT ${id}, ${memberName} WHERE NOT EXISTS (SELECT 1 FROM known) RETURNING id),
    ni AS (
      INSERT INTO member_identities (member_id, channel_id, external_id, name, is_bot)
      SELECT nm.id, ${channelId}, ${ref.externalId}, ${name ?? null}, ${ref.isBot ?? false} FROM nm
      ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING member_id)
    SELECT k.member_id, k.identity_name, k.is_bot, k.member_name, (SELECT member_id FROM ni) AS created
    FROM (SELECT 1) one LEFT JOIN known k ON true`.execute(db);
  const row = r.rows[0];
  if (row?.member_id) {
    const known = { memberId: row.member_id, identityName: row.identity_name, isBot: row.is_bot === true, memberName: row.member_name ?? '' };
    if (name && name !== known.identityName) {
      await db
        .updateTable('member_identities')
        .set({ name })
        .where('channel_id', '=', channelId)
        .where('external_id', '=', ref.externalId)
        .execute();
      await db.updateTable('members').set({ name }).where('id', '=', known.memberId).execute();
    }
    if (ref.isBot && !known.isBot) {
      await db.updateTable('member_identities').set({ is_bot: true }).where('channel_id', '=', channelId).where('external_id', '=', ref.externalId).execute();
    }
    return { id: known.memberId, name: name ?? known.memberName, created: false };
  }
  if (row?.created) return { id, name: memberName, created: true };
  // Another delivery of the same identity won the race: use its member, drop ours.
  await db.deleteFrom('members').where('id', '=', id).execute();
  const winner = await findIdentity(db, channelId, ref.externalId);
  if (!winner) throw new Error(`member identity ${channelId}/${ref.externalId} vanished while being created`);
  return { id: winner.memberId, name: winner.memberName, created: false };
}

/** The member id for a platform identity, when it has been seen. */
export async function findMember(db: Db, channelId: string, externalId: string): Promise<string | undefined> {
  return (await findIdentity(db, channelId, externalId))?.memberId;
}

async function findIdentity(db: Db, channelId: string, externalId: string) {
  const r = await db
    .selectFrom('member_identities')
    .innerJoin('members', 'members.id', 'member_identities.member_id')
    .select(['member_identities.member_id', 'member_identities.name as identity_name', 'member_identities.is_bot', 'members.name as member_name'])
    .where('member_identities.channel_id', '=', channelId)
    .where('member_identities.external_id', '=', externalId)
    .executeTakeFirst();
  return r ? { memberId: r.member_id, identityName: r.identity_name, isBot: r.is_bot, memberName: r.member_name } : undefined;
}

export interface JoinInput {
  groupId: string;
  memberId: string;
  joinedAt: Date;
  viaLink?: string | null;
  inviterMemberId?: string | null;
  scene?: string | null;
  /** Also count the new stay in the group's member_count (when the group has one), in the same statement. */
  count?: boolean;
}

/**
 * `opened`: a new stay began. `already_member`: the member is in the group already (a redelivered
 * join, or a join Chorus learned of twice). `stale`: a stay that already ended began at or after
 * this instant, or ended after it — an old join delivered late — so nothing opens. (A leave and a
 * rejoin in the same second, as Telegram's whole-second dates allow, still opens a new stay.)
 */
export type JoinOutcome = 'opened' | 'already_member' | 'stale';

export async function openMembership(db: Db, j: JoinInput): Promise<JoinOutcome> {
  // One statement: the check for a later stay, and the insert only when there is none.
  const at = j.joinedAt.toISOString();
  const r = await sql<{ stale: boolean; id: string | null }>`
    WITH later AS (
      SELECT 1 FROM memberships
      WHERE group_id = ${j.groupId} AND member_id = ${j.memberId} AND left_at IS NOT NULL
        AND (joined_at >= ${at}::timestamptz OR left_at > ${at}::timestamptz)
      LIMIT 1),
    ins AS (
      INSERT INTO memberships (group_id, member_id, joined_at, via_link, inviter_member_id, scene)
      SELECT ${j.groupId}, ${j.memberId}, ${at}::timestamptz, ${j.viaLink ?? null}, ${j.inviterMemberId ?? null}, ${j.scene ?? null}
      WHERE NOT EXISTS (SELECT 1 FROM later)
      -- The partial unique index memberships_current allows one open stay per member and group.
      ON CONFLICT (group_id, member_id) WHERE left_at IS NULL DO NOTHING
      RETURNING id)${
      j.count
        ? sql`,
    counted AS (
      UPDATE groups SET member_count = member_count + 1
      WHERE id = ${j.groupId} AND member_count IS NOT NULL AND EXISTS (SELECT 1 FROM ins))`
        : sql``
    }
    SELECT EXISTS (SELECT 1 FROM later) AS stale, (SELECT id FROM ins) AS id`.execute(db);
  const row = r.rows[0];
  if (row?.stale) return 'stale';
  return row?.id != null ? 'opened' : 'already_member';
}

export interface LeaveInput {
  groupId: string;
  memberId: string;
  leftAt: Date;
  reason: 'voluntary' | 'removed';
  /** The member who removed them, when the platform says. */
  removedBy?: string | null;
}

/**
 * `closed`: the open stay ended. `stale`: the open stay began after this instant, or the stay
 * this leave ends is already closed (a redelivery) — nothing changes. `unknown`: Chorus never saw
 * this member join (they were there before Chorus watched the group): nothing to close.
 */
export type LeaveOutcome = 'closed' | 'stale' | 'unknown';

export async function closeMembership(db: Db, l: LeaveInput): Promise<LeaveOutcome> {
  const closed = await db
    .updateTable('memberships')
    .set({ left_at: l.leftAt, left_reason: l.reason, removed_by: l.removedBy ?? null })
    .where('group_id', '=', l.groupId)
    .where('member_id', '=', l.memberId)
    .where('left_at', 'is', null)
    .where('joined_at', '<=', l.leftAt)
    .returning('id')
    .executeTakeFirst();
  if (closed) return 'closed';
  const any = await db
    .selectFrom('memberships')
    .select('id')
    .where('group_id', '=', l.groupId)
    .where('member_id', '=', l.memberId)
    .executeTakeFirst();
  return any ? 'stale' : 'unknown';
}

export interface MembershipRow {
  id: number;
  groupId: string;
  memberId: string;
  joinedAt: Date;
  viaLink: string | null;
  inviterMemberId: string | null;
  scene: string | null;
  leftAt: Date | null;
  leftReason: string | null;
  removedBy: string | null;
}

/** Every stay of a member in a group, oldest first. */
export async function membershipsOf(db: Db, groupId: string, memberId: string): Promise<MembershipRow[]> {
  const rows = await db
    .selectFrom('memberships')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .orderBy('joined_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    groupId: r.group_id,
    memberId: r.member_id,
    joinedAt: new Date(r.joined_at),
    viaLink: r.via_link,
    inviterMemberId: r.inviter_member_id,
    scene: r.scene,
    leftAt: r.left_at ? new Date(r.left_at) : null,
    leftReason: r.left_reason,
    removedBy: r.removed_by,
  }));
}

export class MemberLinkError extends Error {
  readonly code: 'not_found' | 'same_member' | 'same_channel';
  constructor(code: MemberLinkError['code'], message: string) {
    super(message);
    this.name = 'MemberLinkError';
    this.code = code;
  }
}

/**
 * An operator's statement that two members are one person (say, the same customer on Telegram and
 * on WeCom): `merge`'s identities, stays and messages move to `keep`, and `merge` is removed.
 * Refused when both have an identity on the same channel — one person has one identity per
 * channel, and two ids on one platform are two accounts Chorus cannot tell apart. Since a group
 * belongs to one channel, that rule also means the two never share a group, so no stay, message
 * or ledger row can collide. Ledger rows already planned for `merge` keep its id (they are history
 * of what was addressed to that identity).
 */
export async function linkMembers(db: Db, keepId: string, mergeId: string): Promise<void> {
  if (keepId === mergeId) throw new MemberLinkError('same_member', 'These are already the same member.');
  await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('members').select(['id', 'name']).where('id', 'in', [keepId, mergeId]).execute();
    for (const id of [keepId, mergeId]) {
      if (!found.some((m) => m.id === id)) throw new MemberLinkError('not_found', `There is no member "${id}".`);
    }
    const channels = await trx
      .selectFrom('member_identities')
      .select(['channel_id', 'member_id'])
      .where('member_id', 'in', [keepId, mergeId])
      .execute();
    const keepChannels = new Set(channels.filter((c) => c.member_id === keepId).map((c) => c.channel_id));
    const shared = channels.find((c) => c.member_id === mergeId && keepChannels.has(c.channel_id));
    if (shared) {
      const names = found.map((m) => `"${m.name}"`).join(' and ');
      throw new MemberLinkError('same_channel', `${names} both have an account on the same channel, so they are two accounts; a person is linked across different channels only.`);
    }
    await trx.updateTable('member_identities').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('memberships').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('memberships').set({ inviter_member_id: keepId }).where('inviter_member_id', '=', mergeId).execute();
    await trx.updateTable('memberships').set({ removed_by: keepId }).where('removed_by', '=', mergeId).execute();
    await trx.updateTable('messages').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('member_events').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('member_roles').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('points_ledger').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('orders').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await mergeProfiles(trx, keepId, mergeId);
    await trx.deleteFrom('members').where('id', '=', mergeId).execute();
    // Stage, level, score and rule tags from the united events (src/community/standing/).
    await recomputeMember(trx, keepId);
  });
}

/**
 * The kept member's profile after a merge: counters and points add up, tags and attributes are
 * united (the kept member's value wins a clash), contact details filled in where missing, the
 * later activity kept, a blacklisting kept. Stage and level are recomputed by the rules from the
 * united events.
 */
async function mergeProfiles(db: Db, keepId: string, mergeId: string): Promise<void> {
  await sql`
    UPDATE members k SET
      messages = k.messages + m.messages,
      replies = k.replies + m.replies,
      checkins = k.checkins + m.checkins,
      invites = k.invites + m.invites,
      clicks = k.clicks + m.clicks,
      orders = k.orders + m.orders,
      join_requests = k.join_requests + m.join_requests,
      joins = k.joins + m.joins,
      answers = k.answers + m.answers,
      active_weeks = greatest(k.active_weeks, m.active_weeks),
      points = k.points + m.points,
      score = k.score + m.score,
      tags = ARRAY(SELECT DISTINCT t FROM unnest(k.tags || m.tags) AS t ORDER BY t),
      attrs = m.attrs || k.attrs,
      phone = coalesce(k.phone, m.phone),
      email = coalesce(k.email, m.email),
      last_active_at = greatest(k.last_active_at, m.last_active_at),
      blacklisted_at = coalesce(k.blacklisted_at, m.blacklisted_at),
      blacklist_reason = coalesce(k.blacklist_reason, m.blacklist_reason),
      blacklisted_by = coalesce(k.blacklisted_by, m.blacklisted_by)
    FROM members m
    WHERE k.id = ${keepId} AND m.id = ${mergeId}`.execute(db);
}
