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
  return (await ensureMembers(db, channelId, [ref])).get(ref.externalId) as MemberRow;
}

/**
 * The members of many identities of one channel (a burst of joins), by platform id: the known
 * ones read and the new ones created in one statement, the names that changed written in one
 * more. An identity named twice counts once (its last name, a bot if either says so).
 */
export async function ensureMembers(db: Db, channelId: string, refs: readonly MemberRef[]): Promise<Map<string, MemberRow>> {
  const wanted = new Map<string, { ext: string; name: string | null; bot: boolean; id: string; member_name: string }>();
  for (const ref of refs) {
    const prev = wanted.get(ref.externalId);
    // Without a name (WeCom's change list carries ids only) the platform id stands in until a later
    // event or a reconciliation brings the real one.
    const name = ref.name?.trim() || prev?.name || null;
    const id = prev?.id ?? `mem_${randomBytes(6).toString('hex')}`;
    wanted.set(ref.externalId, { ext: ref.externalId, name, bot: ref.isBot === true || prev?.bot === true, id, member_name: name ?? ref.externalId });
  }
  const values = [...wanted.values()];
  const r = await sql<{ ext: string; member_id: string | null; identity_name: string | null; is_bot: boolean | null; member_name: string | null; created: boolean }>`
    WITH v AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(ext text, name text, bot boolean, id text, member_name text)),
    known AS (
      SELECT v.ext, i.member_id, i.name AS identity_name, i.is_bot, m.name AS member_name
      FROM v JOIN member_identities i ON i.channel_id = ${channelId} AND i.external_id = v.ext JOIN members m ON m.id = i.member_id),
    nm AS (INSERT INTO members (id, name) SELECT v.id, v.member_name FROM v WHERE v.ext NOT IN (SELECT ext FROM known) RETURNING id),
    ni AS (
      INSERT INTO member_identities (member_id, channel_id, external_id, name, is_bot)
      SELECT v.id, ${channelId}, v.ext, v.name, v.bot FROM v JOIN nm ON nm.id = v.id
      ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING external_id)
    SELECT v.ext, k.member_id, k.identity_name, k.is_bot, k.member_name, v.ext IN (SELECT external_id FROM ni) AS created
    FROM v LEFT JOIN known k ON k.ext = v.ext`.execute(db);
  const out = new Map<string, MemberRow>();
  const renamed: { ext: string; id: string; name: string | null; bot: boolean }[] = [];
  const lost: string[] = [];
  for (const row of r.rows) {
    const w = wanted.get(row.ext) as (typeof values)[number];
    if (row.member_id) {
      const nameMoved = w.name !== null && w.name !== row.identity_name;
      if (nameMoved || (w.bot && row.is_bot !== true)) renamed.push({ ext: row.ext, id: row.member_id, name: nameMoved ? w.name : null, bot: w.bot });
      out.set(row.ext, { id: row.member_id, name: w.name ?? row.member_name ?? '', created: false });
    } else if (row.created) out.set(row.ext, { id: w.id, name: w.member_name, created: true });
    else lost.push(row.ext);
  }
  if (renamed.length) {
    await sql`
      WITH v AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(renamed)}::jsonb) AS v(ext text, id text, name text, bot boolean)),
      i AS (
        UPDATE member_identities i SET name = coalesce(v.name, i.name), is_bot = i.is_bot OR v.bot
        FROM v WHERE i.channel_id = ${channelId} AND i.external_id = v.ext)
      UPDATE members m SET name = v.name FROM v WHERE m.id = v.id AND v.name IS NOT NULL`.execute(db);
  }
  if (lost.length) {
    // Another delivery of the same identity won the race: use its member, drop ours.
    await db.deleteFrom('members').where('id', 'in', lost.map((ext) => (wanted.get(ext) as (typeof values)[number]).id)).execute();
    for (const ext of lost) {
      const winner = await findIdentity(db, channelId, ext);
      if (!winner) throw new Error(`member identity ${channelId}/${ext} vanished while being created`);
      out.set(ext, { id: winner.memberId, name: winner.memberName, created: false });
    }
  }
  return out;
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
  return (await openMemberships(db, [j], { count: j.count === true }))[0] as JoinOutcome;
}

/**
 * Many joins' stays in one statement (a burst): each checked for a later stay and opened when there
 * is none, and — with `count` — the new stays counted in their groups' member_count. The joins must
 * be of distinct (group, member) pairs; the outcomes come back in their order.
 */
export async function openMemberships(db: Db, joins: readonly JoinInput[], opts: { count: boolean }): Promise<JoinOutcome[]> {
  if (!joins.length) return [];
  const values = joins.map((j, ord) => ({
    ord,
    group_id: j.groupId,
    member_id: j.memberId,
    at: j.joinedAt.toISOString(),
    via_link: j.viaLink ?? null,
    inviter: j.inviterMemberId ?? null,
    scene: j.scene ?? null,
  }));
  const r = await sql<{ ord: number; stale: boolean; opened: boolean }>`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
        AS v(ord int, group_id text, member_id text, at timestamptz, via_link text, inviter text, scene text)),
    later AS (
      SELECT DISTINCT v.ord FROM v JOIN memberships p ON p.group_id = v.group_id AND p.member_id = v.member_id
      WHERE p.left_at IS NOT NULL AND (p.joined_at >= v.at OR p.left_at > v.at)),
    ins AS (
      INSERT INTO memberships (group_id, member_id, joined_at, via_link, inviter_member_id, scene)
      SELECT v.group_id, v.member_id, v.at, v.via_link, v.inviter, v.scene FROM v WHERE v.ord NOT IN (SELECT ord FROM later)
      -- The partial unique index memberships_current allows one open stay per member and group.
      ON CONFLICT (group_id, member_id) WHERE left_at IS NULL DO NOTHING
      RETURNING group_id, member_id)${
      opts.count
        ? sql`,
    counted AS (
      UPDATE groups g SET member_count = g.member_count + c.n
      FROM (SELECT group_id, count(*)::int AS n FROM ins GROUP BY group_id) c
      WHERE g.id = c.group_id AND g.member_count IS NOT NULL)`
        : sql``
    }
    SELECT v.ord, v.ord IN (SELECT ord FROM later) AS stale,
      EXISTS (SELECT 1 FROM ins WHERE ins.group_id = v.group_id AND ins.member_id = v.member_id) AS opened
    FROM v ORDER BY v.ord`.execute(db);
  return r.rows.map((row) => (row.stale ? 'stale' : row.opened ? 'opened' : 'already_member'));
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
