// Receiver leases: a row per channel naming the process that runs its receiver and until when.
// Taking a lease succeeds when nobody holds it, when this holder already does (a renewal), or when
// the holder's lease has expired (it died without releasing). Times are the database's own clock,
// so the processes' clocks need not agree.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';

/** How long a lease lasts without renewal: how long a dead server's receivers stay silent. */
export const DEFAULT_LEASE_MS = 30_000;

export function leaseHolderId(): string {
  return `r_${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** Takes or renews the lease of `channelId` for `ttlMs`; true when `holder` holds it now. */
export async function takeLease(db: Db, channelId: string, holder: string, ttlMs: number): Promise<boolean> {
  const r = await sql<{ holder: string }>`
    INSERT INTO receiver_leases (channel_id, holder, expires_at)
    VALUES (${channelId}, ${holder}, now() + ${Math.round(ttlMs)}::int * interval '1 millisecond')
    ON CONFLICT (channel_id) DO UPDATE
      SET holder = excluded.holder,
          expires_at = excluded.expires_at,
          acquired_at = CASE WHEN receiver_leases.holder = excluded.holder THEN receiver_leases.acquired_at ELSE now() END
      WHERE receiver_leases.holder = excluded.holder OR receiver_leases.expires_at < now()
    RETURNING holder`.execute(db);
  return r.rows[0]?.holder === holder;
}

/** Gives up `holder`'s leases (all of them, or the channels named), so another process takes them at once. */
export async function releaseLeases(db: Db, holder: string, channelIds?: readonly string[]): Promise<void> {
  if (channelIds && !channelIds.length) return;
  await sql`DELETE FROM receiver_leases WHERE holder = ${holder} ${channelIds ? sql`AND channel_id = ANY(${[...channelIds]}::text[])` : sql``}`.execute(db);
}

export interface LeaseRow {
  channelId: string;
  holder: string;
  expiresAt: Date;
}

/** Who receives for which channel (for tests and diagnostics). */
export async function listLeases(db: Db): Promise<LeaseRow[]> {
  const r = await sql<{ channel_id: string; holder: string; expires_at: Date | string }>`
    SELECT channel_id, holder, expires_at FROM receiver_leases ORDER BY channel_id`.execute(db);
  return r.rows.map((x) => ({ channelId: x.channel_id, holder: x.holder, expiresAt: new Date(x.expires_at) }));
}
