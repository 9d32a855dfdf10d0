// Live codes, the store side: making one from a group selector, reading its status (the groups
// with their fill, scans and joins, by hour), and which a leader may see. docs/growth-livecodes.md.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { selectGroups } from '../community/groups.ts';
import { english, msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { defaultCap, isFull, seatsFor } from './livecode-rules.ts';
import { askForLinks } from './livecode-tasks.ts';

export class LiveCodeError extends Error {
  readonly text: Text;
  readonly code: 'not_found' | 'invalid' | 'forbidden';
  readonly field?: string;
  constructor(code: LiveCodeError['code'], text: Text, field?: string) {
    super(english(text));
    this.name = 'LiveCodeError';
    this.code = code;
    this.text = text;
    if (field) this.field = field;
  }
}

export const MAX_GROUPS = 100;

export interface CreateLiveCode {
  selector: string;
  cap?: number;
  autoCreate?: boolean;
  name?: string;
  actor?: string | null;
}

/** Makes the live code; every group gets its seats now, and a link is asked for where none is known. */
export async function createLiveCode(db: Db, o: CreateLiveCode, now = new Date()): Promise<{ id: string; code: string }> {
  const groups = await selectGroups(db, o.selector);
  if (!groups.length) throw new LiveCodeError('invalid', msg('livecode.noGroups', { selector: o.selector }), 'groups');
  if (groups.length > MAX_GROUPS) throw new LiveCodeError('invalid', msg('livecode.tooManyGroups', { count: groups.length, max: MAX_GROUPS }), 'groups');
  const name = (o.name ?? '').trim() || groups[0].name;
  if (name.length > 100) throw new LiveCodeError('invalid', msg('livecode.longName', { max: 100 }), 'name');
  const kinds = new Map(
    (await db.selectFrom('channels').select(['id', 'kind']).where('id', 'in', [...new Set(groups.map((g) => g.channelId))]).execute()).map((c) => [c.id, c.kind]),
  );
  const id = `lc_${randomBytes(6).toString('hex')}`;
  // 96 bits: the address cannot be guessed from another one.
  const code = randomBytes(12).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('livecodes').values({ id, code, name, selector: o.selector, auto_create: o.autoCreate ?? false, created_by: o.actor ?? null }).execute();
    await trx
      .insertInto('livecode_groups')
      .values(
        groups.map((g, i) => {
          const cap = o.cap ?? defaultCap(kinds.get(g.channelId) ?? '');
          return { livecode_id: id, group_id: g.id, position: i + 1, cap, seats: seatsFor(cap, g.memberCount), added_at: now };
        }),
      )
      .execute();
    await askForLinks(trx, id, now);
  });
  return { id, code };
}

export interface SlotStatus {
  group: string;
  name: string;
  channelKind: string;
  members: number;
  cap: number | null;
  routed: number;
  full: boolean;
  /** Whether a link or QR is ready to serve. */
  ready: boolean;
  linkExpiresAt: string | null;
  joins: number;
}

export interface LiveCodeStatus {
  id: string;
  name: string;
  path: string;
  url: string;
  state: string;
  autoCreate: boolean;
  createdAt: string;
  current: string | null;
  groups: SlotStatus[];
  scans: number;
  joins: number;
  /** The last 48 hours, oldest first: scans and joins per hour (hours with neither left out). */
  hourly: { hour: string; scans: number; joins: number }[];
}

export function livecodeUrl(publicUrl: URL | undefined, code: string): string {
  const path = `/j/${code}`;
  return publicUrl ? `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}${path}` : path;
}

/**
 * The joins that came through the live code's links (or, on WeChat and WeCom, by its QR after it
 * routed there). A join's time is the platform's, in whole seconds (Telegram's `date`, WeCom's
 * `CreateTime`): compared with the second the group was added, so a join in that same second counts.
 */
function joinsOf(livecodeId: string) {
  return sql`FROM memberships m
    JOIN livecode_groups s ON s.group_id = m.group_id AND s.livecode_id = ${livecodeId}
    JOIN groups g ON g.id = m.group_id
    JOIN channels c ON c.id = g.channel_id
    WHERE m.joined_at >= date_trunc('second', s.added_at)
      AND (m.via_link = ANY(s.links)
        OR (m.via_link IS NULL AND c.kind IN ('wecom', 'wechaty') AND coalesce(m.scene, 'qr_code') = 'qr_code'))`;
}

/** The live code by id; a leader only when it holds one of their groups, and then only their groups are listed. */
export async function liveCodeStatus(db: Db, id: string, o: { publicUrl?: URL; leader?: string; now?: Date } = {}): Promise<LiveCodeStatus> {
  const lc = await db.selectFrom('livecodes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!lc) throw new LiveCodeError('not_found', msg('livecode.notFound', { id }));
  const slots = await db
    .selectFrom('livecode_groups as s')
    .innerJoin('groups as g', 'g.id', 's.group_id')
    .innerJoin('channels as c', 'c.id', 'g.channel_id')
    .select(['s.group_id', 's.cap', 's.seats', 's.routed', 's.position', 'g.name', 'g.leader', 'g.status', 'g.member_count', 'g.invite_link', 'g.invite_expires_at', 'c.kind'])
    .where('s.livecode_id', '=', id)
    .orderBy('s.position')
    .execute();
  if (o.leader !== undefined && !slots.some((s) => s.leader === o.leader)) throw new LiveCodeError('forbidden', msg('livecode.notYours', { id }));
  const now = o.now ?? new Date();
  const joinRows = await sql<{ group_id: string; n: string }>`SELECT m.group_id, count(*)::text AS n ${joinsOf(id)} GROUP BY m.group_id`.execute(db);
  const joinsBy = new Map(joinRows.rows.map((r) => [r.group_id, Number(r.n)]));
  const sentRows = await sql<{ group_id: string; n: string }>`SELECT group_id, count(*)::text AS n FROM livecode_scans WHERE livecode_id = ${id} AND group_id IS NOT NULL GROUP BY group_id`.execute(db);
  const sent = new Map(sentRows.rows.map((r) => [r.group_id, Number(r.n)]));
  const scans = await db.selectFrom('livecode_scans').select((eb) => eb.fn.countAll<string>().as('n')).where('livecode_id', '=', id).executeTakeFirstOrThrow();
  const since = new Date(now.getTime() - 48 * 3_600_000);
  const hourlyScans = await sql<{ hour: Date; n: string }>`SELECT date_trunc('hour', at) AS hour, count(*)::text AS n FROM livecode_scans WHERE livecode_id = ${id} AND at >= ${since.toISOString()} GROUP BY 1`.execute(db);
  const hourlyJoins = await sql<{ hour: Date; n: string }>`SELECT date_trunc('hour', m.joined_at) AS hour, count(*)::text AS n ${joinsOf(id)} AND m.joined_at >= ${since.toISOString()} GROUP BY 1`.execute(db);
  const hours = new Map<string, { hour: string; scans: number; joins: number }>();
  const at = (h: Date) => {
    const k = new Date(h).toISOString();
    if (!hours.has(k)) hours.set(k, { hour: k, scans: 0, joins: 0 });
    return hours.get(k)!;
  };
  for (const r of hourlyScans.rows) at(r.hour).scans = Number(r.n);
  for (const r of hourlyJoins.rows) at(r.hour).joins = Number(r.n);
  const groups: SlotStatus[] = slots.map((s) => {
    const members = s.member_count ?? 0;
    const expires = s.invite_expires_at ? new Date(s.invite_expires_at) : null;
    return {
      group: s.group_id,
      name: s.name,
      channelKind: s.kind,
      members,
      cap: s.cap,
      routed: sent.get(s.group_id) ?? 0,
      full: s.status !== 'active' || isFull(s, s.member_count),
      ready: !!s.invite_link && (!expires || expires > now),
      linkExpiresAt: expires ? expires.toISOString() : null,
      joins: joinsBy.get(s.group_id) ?? 0,
    };
  });
  const current = groups.find((g) => !g.full && g.ready)?.group ?? groups.find((g) => !g.full)?.group ?? null;
  const shown = o.leader !== undefined ? groups.filter((_, i) => slots[i].leader === o.leader) : groups;
  return {
    id: lc.id,
    name: lc.name,
    path: `/j/${lc.code}`,
    url: livecodeUrl(o.publicUrl, lc.code),
    state: lc.state,
    autoCreate: lc.auto_create,
    createdAt: new Date(lc.created_at).toISOString(),
    current: current && shown.some((g) => g.group === current) ? current : o.leader !== undefined ? null : current,
    groups: shown,
    scans: Number(scans.n),
    joins: shown.reduce((n, g) => n + g.joins, 0),
    hourly: [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour)),
  };
}

export interface LiveCodeListItem {
  id: string;
  name: string;
  path: string;
  url: string;
  state: string;
  groups: number;
  full: number;
  scans: number;
  createdAt: string;
}

export async function listLiveCodes(db: Db, o: { publicUrl?: URL; leader?: string } = {}): Promise<LiveCodeListItem[]> {
  const r = await sql<{ id: string; name: string; code: string; state: string; created_at: Date; groups: string; full: string; scans: string }>`
    SELECT l.id, l.name, l.code, l.state, l.created_at,
      (SELECT count(*) FROM livecode_groups s WHERE s.livecode_id = l.id)::text AS groups,
      (SELECT count(*) FROM livecode_groups s JOIN groups g ON g.id = s.group_id WHERE s.livecode_id = l.id
         AND (g.status <> 'active' OR (s.cap IS NOT NULL AND (s.routed >= coalesce(s.seats, 0) OR coalesce(g.member_count, 0) >= s.cap))))::text AS full,
      (SELECT count(*) FROM livecode_scans x WHERE x.livecode_id = l.id)::text AS scans
    FROM livecodes l
    WHERE ${o.leader === undefined ? sql`true` : sql`EXISTS (SELECT 1 FROM livecode_groups s JOIN groups g ON g.id = s.group_id WHERE s.livecode_id = l.id AND g.leader = ${o.leader})`}
    ORDER BY l.created_at DESC, l.id
    LIMIT 500`.execute(db);
  return r.rows.map((l) => ({
    id: l.id,
    name: l.name,
    path: `/j/${l.code}`,
    url: livecodeUrl(o.publicUrl, l.code),
    state: l.state,
    groups: Number(l.groups),
    full: Number(l.full),
    scans: Number(l.scans),
    createdAt: new Date(l.created_at).toISOString(),
  }));
}

/** The code of a live code the caller may see (for its QR image). */
export async function liveCodeCode(db: Db, id: string, leader?: string): Promise<string> {
  const s = await liveCodeStatus(db, id, leader !== undefined ? { leader } : {});
  return s.path.slice(3);
}
