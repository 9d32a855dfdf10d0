// A scan of a live code (GET /j/<code>): one seat of the first group, by position, that still has
// one and a link or QR to serve. The seat is taken by a conditional UPDATE (`routed < seats` is
// checked again on the row it changes, after any concurrent update of it committed — PostgreSQL's
// READ COMMITTED re-check), so concurrent scans never send a group past its cap; a scan that
// loses the race for a group's last seat tries the next group.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { adoptCreatedGroups } from './livecode-adopt.ts';
import { askForLinks, onAllFull } from './livecode-tasks.ts';
import { type Entry, entryFor } from './livecode-rules.ts';

export type ScanResult =
  | { kind: 'unknown' }
  /** Routed: where to send the visitor, and the group's name for the page. */
  | { kind: 'routed'; groupId: string; groupName: string; entry: Entry }
  /** A group has seats but no link or QR yet: one was asked for (or the operators told). */
  | { kind: 'preparing' }
  /**
   * Every group is full and the platform is creating the next one: WeCom's auto-create join way,
   * whose QR the page shows (WeCom routes the scan and creates the group); `name`: the live code's.
   */
  | { kind: 'creating'; name: string; entry: Entry }
  /** Every group is full. */
  | { kind: 'full' };

interface Seat {
  group_id: string;
  name: string;
  invite_link: string;
  kind: string;
  links: string[];
  slot: string;
}

/** A seat with a usable link, or undefined when no group has one to give. */
// A group without a cap (Telegram) takes no seat: its row is not updated, so scans do not queue
// on one row lock.
const TAKE = (livecodeId: string, now: string) => sql<Seat>`
  WITH pick AS (
    SELECT s.id, s.cap FROM livecode_groups s JOIN groups g ON g.id = s.group_id
    WHERE s.livecode_id = ${livecodeId} AND g.status = 'active'
      AND (s.cap IS NULL OR (s.routed < s.seats AND coalesce(g.member_count, 0) < s.cap))
      AND g.invite_link IS NOT NULL AND (g.invite_expires_at IS NULL OR g.invite_expires_at > ${now}::timestamptz + interval '1 minute')
    ORDER BY s.position LIMIT 1
  ), upd AS (
    UPDATE livecode_groups s SET routed = s.routed + 1
    FROM groups g, channels c, pick
    WHERE s.id = pick.id AND pick.cap IS NOT NULL AND g.id = s.group_id AND c.id = g.channel_id
      AND s.routed < s.seats AND coalesce(g.member_count, 0) < s.cap
    RETURNING s.group_id, g.name, g.invite_link, c.kind, s.links, s.id::text AS slot
  ), free AS (
    SELECT s.group_id, g.name, g.invite_link, c.kind, s.links, s.id::text AS slot
    FROM pick JOIN livecode_groups s ON s.id = pick.id JOIN groups g ON g.id = s.group_id JOIN channels c ON c.id = g.channel_id
    WHERE pick.cap IS NULL
  ), seat AS (SELECT * FROM upd UNION ALL SELECT * FROM free), scan AS (
    INSERT INTO livecode_scans (livecode_id, group_id, at) SELECT ${livecodeId}, group_id, ${now}::timestamptz FROM seat
  )
  SELECT * FROM seat`;

/** Whether any group still has seats (whatever its link). */
const ANY_SEAT = (livecodeId: string) => sql<{ n: number }>`
  SELECT 1 AS n FROM livecode_groups s JOIN groups g ON g.id = s.group_id
  WHERE s.livecode_id = ${livecodeId} AND g.status = 'active'
    AND (s.cap IS NULL OR (s.routed < s.seats AND coalesce(g.member_count, 0) < s.cap)) LIMIT 1`;

// The code → live code lookup, kept 5 seconds per process: a scan is one statement when it routes.
const known = new Map<string, { at: number; lc: { id: string; state: string } | undefined }>();

async function liveCodeOf(db: Db, code: string): Promise<{ id: string; state: string } | undefined> {
  const hit = known.get(code);
  if (hit && Date.now() - hit.at < 5_000) return hit.lc;
  const lc = await db.selectFrom('livecodes').select(['id', 'state']).where('code', '=', code).executeTakeFirst();
  if (known.size > 10_000) known.clear();
  known.set(code, { at: Date.now(), lc });
  return lc;
}

export async function scanLiveCode(db: Db, code: string, now = new Date()): Promise<ScanResult> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(code)) return { kind: 'unknown' };
  const lc = await liveCodeOf(db, code);
  if (lc?.state !== 'active') return { kind: 'unknown' };
  const iso = now.toISOString();
  let seat: Seat | undefined;
  // Each lost race means a group just filled; there are at most as many as groups.
  for (let tries = 0; tries < 200 && !seat; tries++) {
    const r = await TAKE(lc.id, iso).execute(db);
    seat = r.rows[0];
    if (!seat && !(await sql`SELECT 1 FROM livecode_groups s JOIN groups g ON g.id = s.group_id WHERE s.livecode_id = ${lc.id} AND g.status = 'active' AND (s.cap IS NULL OR (s.routed < s.seats AND coalesce(g.member_count, 0) < s.cap)) AND g.invite_link IS NOT NULL AND (g.invite_expires_at IS NULL OR g.invite_expires_at > ${iso}::timestamptz + interval '1 minute') LIMIT 1`.execute(db)).rows.length) break;
  }
  if (!seat) await db.insertInto('livecode_scans').values({ livecode_id: lc.id, group_id: null, at: now }).execute();
  if (seat) {
    if (!seat.links.includes(seat.invite_link)) {
      await sql`UPDATE livecode_groups SET links = array_append(links, ${seat.invite_link}) WHERE id = ${seat.slot}::bigint AND NOT (${seat.invite_link} = ANY(links))`.execute(db);
    }
    return { kind: 'routed', groupId: seat.group_id, groupName: seat.name, entry: entryFor(seat.kind, seat.invite_link) };
  }
  if ((await ANY_SEAT(lc.id).execute(db)).rows.length) {
    await askForLinks(db, lc.id, now);
    return { kind: 'preparing' };
  }
  await onAllFull(db, lc.id, now);
  const made = await creation(db, lc.id);
  // Wechaty's room exists once its row is sent: adopted now rather than at the next sweep, it is
  // being prepared (its QR code asked for).
  if (made?.adoptable && (await adoptCreatedGroups(db, now, { livecodeId: lc.id }))) return { kind: 'preparing' };
  if (made?.link) return { kind: 'creating', name: made.name, entry: entryFor(made.kind, made.link) };
  // A creation under way without a QR to show yet (the bot's row not sent, or Wechaty's room not adopted).
  if (made) return { kind: 'preparing' };
  return { kind: 'full' };
}

/** The live code's open or pending platform creation (a bot `create_group` row), with its QR when it made one. */
async function creation(db: Db, livecodeId: string): Promise<{ name: string; kind: string; link?: string; adoptable: boolean } | undefined> {
  const r = await sql<{ name: string; kind: string; state: string; result: Record<string, unknown> | string | null }>`
    SELECT l.name, c.kind, x.state, x.result FROM livecodes l
    JOIN ledger x ON x.id = l.full_ledger_id AND x.action = 'create_group' AND x.mode = 'bot'
    JOIN channels c ON c.id = x.sender_account
    WHERE l.id = ${livecodeId} AND x.state NOT IN ('failed', 'cancelled', 'skipped', 'missed', 'unconfirmed')`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const result = (typeof row.result === 'string' ? JSON.parse(row.result) : (row.result ?? {})) as Record<string, unknown>;
  const link = row.state === 'sent' && result.pending && typeof result.inviteLink === 'string' ? result.inviteLink : undefined;
  return { name: row.name, kind: row.kind, ...(link ? { link } : {}), adoptable: row.state === 'sent' && typeof result.chatId === 'string' };
}
