// The live code's front desk: what GET /j/<code> calls, so a scan costs no database round trip in
// the common case. Per process it keeps
//   - each live code's groups (a snapshot read at most every SNAPSHOT_MS), and
//   - for each capped group, a few seats reserved from the database in one conditional UPDATE
//     (`routed + k <= seats`, checked on the row it changes, as in livecode-scan.ts): a scan takes
//     one of them in memory. The database still counts every seat given out before it is given,
//     so no group is ever routed past its cap, whatever number of processes scan at once;
//   - the scans themselves, written in batches every FLUSH_MS (a crash loses at most that much of
//     the scan counts, never a seat's accounting).
// The snapshot is read again in the background while it still serves (up to STALE_MS old), and the
// next seats are reserved when LOW are left while the group is far from its cap: a scan seldom
// waits for the database.
// Seats reserved and not used go back after IDLE_MS without scans, and on close. A process that
// dies holding seats leaves at most BLOCK + LOW of them per group unused: the group looks full that
// much sooner (docs/growth-livecodes.md). Near the cap the reservation shrinks to one seat, so the
// last seats go to whichever process asks first. Anything else — no seat anywhere, a group with no
// link yet, every group full — goes to scanLiveCode, which asks for links and raises the alerts.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { type Entry, entryFor, linkUsable } from './livecode-rules.ts';
import { type ScanResult, scanLiveCode } from './livecode-scan.ts';

export const SNAPSHOT_MS = 1_000;
export const FLUSH_MS = 50;
export const IDLE_MS = 10_000;
/** Most seats one process reserves for a group at once. */
export const BLOCK = 10;
/** Seats held at which the next ones are reserved ahead. */
const LOW = BLOCK / 2;
/** How old a snapshot may be and still serve while the next one is read. */
const STALE_MS = 5 * SNAPSHOT_MS;

interface Slot {
  id: string;
  groupId: string;
  name: string;
  link: string | null;
  expiresAt: Date | null;
  entry: Entry | null;
  capped: boolean;
  /** Seats this process reserved and has not given out. */
  held: number;
  /** Set when a reservation found no seat: the group is full as far as this snapshot knows. */
  spent: boolean;
  /** The last reservation got a whole BLOCK: far from the cap, so the next is reserved ahead (near it, the last seats go to whoever asks first). */
  roomy: boolean;
  lastScan: number;
}

interface Code {
  id: string;
  active: boolean;
  slots: Slot[];
  readAt: number;
  reading?: Promise<void>;
}

interface SlotRow {
  id: string;
  group_id: string;
  name: string;
  invite_link: string | null;
  invite_expires_at: Date | string | null;
  kind: string;
  cap: number | null;
  /** Archived, or full of members by itself: seats held for it are given back. */
  closed: boolean;
  /** Seats left to reserve. */
  open: boolean;
  listed: boolean;
}

export class LiveCodeDesk {
  private codes = new Map<string, Code | null>();
  private scans: { livecodeId: string; groupId: string; at: Date }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout;
  private writing: Promise<void> | undefined;
  private reserving = new Map<string, Promise<void>>();
  private looking = new Map<string, Promise<Code | null>>();

  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.idleTimer = setInterval(() => void this.releaseIdle(), IDLE_MS);
    this.idleTimer.unref();
  }

  async scan(code: string, now = new Date()): Promise<ScanResult> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(code)) return { kind: 'unknown' };
    const lc = await this.codeOf(code);
    if (!lc) return { kind: 'unknown' };
    if (!lc.active) return { kind: 'unknown' };
    for (const slot of lc.slots) {
      if (slot.spent || !slot.entry || !linkUsable(slot.link, slot.expiresAt, now)) continue;
      if (slot.capped && !(await this.take(slot))) continue;
      slot.lastScan = Date.now();
      this.record(lc.id, slot.groupId, now);
      return { kind: 'routed', groupId: slot.groupId, groupName: slot.name, entry: slot.entry };
    }
    // Nothing to give from here: the careful path (asks for links, raises "all full"), and a fresh look next time.
    lc.readAt = 0;
    return scanLiveCode(this.db, code, now);
  }

  /** Writes the scans held; gives back every reserved seat not used. On the server's close. */
  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    // Seats being reserved ahead land first, so they are given back with the rest.
    await Promise.allSettled([...this.reserving.values()]);
    await this.flush();
    for (const lc of this.codes.values()) for (const s of lc?.slots ?? []) await this.release(s);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (!this.scans.length) return;
    const batch = this.scans;
    this.scans = [];
    this.writing = this.db
      .insertInto('livecode_scans')
      .values(batch.map((s) => ({ livecode_id: s.livecodeId, group_id: s.groupId, at: s.at })))
      .execute()
      .then(
        () => undefined,
        (e: Error) => {
          this.log(`live-code scans not written yet (${e.message}); trying again`);
          this.scans = batch.concat(this.scans).slice(-100_000);
          this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 10);
        },
      )
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  private record(livecodeId: string, groupId: string, at: Date): void {
    this.scans.push({ livecodeId, groupId, at });
    if (this.scans.length >= 500) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private async codeOf(code: string): Promise<Code | null> {
    let lc = this.codes.get(code);
    if (lc === undefined) {
      // One lookup per code however many scans arrive together: they all share its Code.
      let looking = this.looking.get(code);
      if (!looking) {
        looking = this.lookUp(code).finally(() => this.looking.delete(code));
        this.looking.set(code, looking);
      }
      lc = await looking;
    }
    if (lc && Date.now() - lc.readAt >= SNAPSHOT_MS) {
      const it = lc;
      if (!it.reading) {
        it.reading = this.read(it).finally(() => {
          it.reading = undefined;
        });
        // Told once per read; a scan that waits for it hears of the failure too.
        it.reading.catch((e: Error) => this.log(`live-code groups not read again yet (${e.message})`));
      }
      // A snapshot a little old still serves while the next one is read (the seats are counted in
      // the database either way); a first read, or one asked for afresh, is waited for.
      if (it.readAt === 0 || Date.now() - it.readAt >= STALE_MS) await it.reading;
    }
    return lc;
  }

  private async lookUp(code: string): Promise<Code | null> {
    const row = await this.db.selectFrom('livecodes').select(['id', 'state']).where('code', '=', code).executeTakeFirst();
    const lc: Code | null = row ? { id: row.id, active: row.state === 'active', slots: [], readAt: 0 } : null;
    // Unknown codes are forgotten again soon (a live code made later is found); the map stays small.
    if (!lc) setTimeout(() => this.codes.delete(code), SNAPSHOT_MS * 5).unref();
    else if (this.codes.size > 10_000) for (const [k, v] of this.codes) if (!v) this.codes.delete(k);
    this.codes.set(code, lc);
    return lc;
  }

  /** The snapshot: the live code's state and groups in order, seats kept for groups still there. */
  private async read(lc: Code): Promise<void> {
    const state = await this.db.selectFrom('livecodes').select('state').where('id', '=', lc.id).executeTakeFirst();
    const r = await sql<SlotRow>`
      SELECT s.id::text AS id, s.group_id, g.name, g.invite_link, g.invite_expires_at, c.kind, s.cap,
        (g.status <> 'active' OR (s.cap IS NOT NULL AND coalesce(g.member_count, 0) >= s.cap)) AS closed,
        (s.cap IS NULL OR s.routed < s.seats) AS open,
        (g.invite_link IS NULL OR g.invite_link = ANY(s.links)) AS listed
      FROM livecode_groups s JOIN groups g ON g.id = s.group_id JOIN channels c ON c.id = g.channel_id
      WHERE s.livecode_id = ${lc.id} ORDER BY s.position`.execute(this.db);
    const before = new Map(lc.slots.map((s) => [s.id, s]));
    const slots: Slot[] = [];
    for (const row of r.rows) {
      const old = before.get(row.id);
      before.delete(row.id);
      // Every link served for a group is remembered, so a join through it counts as the live code's.
      if (row.invite_link && !row.listed) {
        await sql`UPDATE livecode_groups SET links = array_append(links, ${row.invite_link}) WHERE id = ${row.id}::bigint AND NOT (${row.invite_link} = ANY(links))`.execute(this.db);
      }
      // The same object stays, so a scan waiting on a reservation finds the seats where it looks.
      const slot: Slot = old ?? { id: row.id, groupId: row.group_id, name: '', link: null, expiresAt: null, entry: null, capped: false, held: 0, spent: false, roomy: false, lastScan: 0 };
      slot.name = row.name;
      slot.link = row.invite_link;
      slot.expiresAt = row.invite_expires_at ? new Date(row.invite_expires_at) : null;
      slot.entry = row.invite_link ? entryFor(row.kind, row.invite_link) : null;
      slot.capped = row.cap !== null;
      // Seats held here are ours to give even when the database has none left to reserve.
      if (row.closed) await this.release(slot);
      slot.spent = row.closed || (!row.open && slot.held === 0);
      slots.push(slot);
    }
    for (const gone of before.values()) await this.release(gone);
    lc.slots = slots;
    lc.active = state?.state === 'active';
    lc.readAt = Date.now();
  }

  /**
   * One seat of a capped group for this scan: from those held, else reserved (one reservation at a
   * time per group). When the seats held run low, the next ones are reserved ahead, so a scan
   * seldom waits for the database.
   */
  private async take(slot: Slot): Promise<boolean> {
    for (;;) {
      // Checked and taken in one synchronous step: no other scan runs in between.
      if (slot.held > 0) {
        slot.held--;
        if (slot.roomy && slot.held <= LOW && !slot.spent && !this.reserving.has(slot.id)) this.reserve(slot).catch((e: Error) => this.log(`live-code seats not reserved yet (${e.message})`));
        return true;
      }
      if (slot.spent) return false;
      await (this.reserving.get(slot.id) ?? this.reserve(slot));
    }
  }

  private reserve(slot: Slot): Promise<void> {
    const p = (async () => {
      const r = await sql<{ k: number }>`
        WITH s AS (
          SELECT s.id, least(${BLOCK}::int, greatest(1, (s.seats - s.routed) / 4)) AS k
          FROM livecode_groups s JOIN groups g ON g.id = s.group_id
          WHERE s.id = ${slot.id}::bigint AND g.status = 'active' AND coalesce(g.member_count, 0) < s.cap
        )
        UPDATE livecode_groups t SET routed = t.routed + s.k FROM s
        WHERE t.id = s.id AND t.routed + s.k <= t.seats
        RETURNING s.k`.execute(this.db);
      const k = Number(r.rows[0]?.k ?? 0);
      if (k === 0) slot.spent = true;
      slot.held += k;
      slot.roomy = k >= BLOCK;
    })().finally(() => this.reserving.delete(slot.id));
    this.reserving.set(slot.id, p);
    return p;
  }

  private async release(slot: Slot): Promise<void> {
    const n = slot.held;
    if (n <= 0) return;
    slot.held = 0;
    try {
      await sql`UPDATE livecode_groups SET routed = greatest(0, routed - ${n}::int) WHERE id = ${slot.id}::bigint`.execute(this.db);
    } catch (e) {
      slot.held += n;
      this.log(`live-code seats not given back yet (${(e as Error).message})`);
    }
  }

  private async releaseIdle(): Promise<void> {
    const quiet = Date.now() - IDLE_MS;
    for (const lc of this.codes.values()) for (const s of lc?.slots ?? []) if (s.held > 0 && s.lastScan < quiet) await this.release(s);
  }
}
