// WeCom callback nonces in the database (wecom_nonces), per channel: one insert that succeeds only
// when the nonce is new or its earlier record has expired. Every API server shares them and they
// survive a restart. The sweep deletes expired rows (purgeExpiredNonces).

import { sql } from 'kysely';
import type { Db } from '../../store/db.ts';
import type { NonceStore } from './callback.ts';

export function databaseNonces(db: Db, channelId: string): NonceStore {
  return {
    async claim(nonce, until, now) {
      const r = await sql<{ nonce: string }>`
        INSERT INTO wecom_nonces (channel_id, nonce, expires_at)
        VALUES (${channelId}, ${nonce}, to_timestamp(${until / 1000}::float8))
        ON CONFLICT (channel_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
          WHERE wecom_nonces.expires_at < to_timestamp(${now / 1000}::float8)
        RETURNING nonce`.execute(db);
      return r.rows.length === 1;
    },
    async forget(nonce) {
      await sql`DELETE FROM wecom_nonces WHERE channel_id = ${channelId} AND nonce = ${nonce}`.execute(db);
    },
  };
}

/** Deletes the nonces whose replay window has passed; returns how many. */
export async function purgeExpiredNonces(db: Db, now = new Date()): Promise<number> {
  const r = await sql<{ n: number }>`
    WITH gone AS (DELETE FROM wecom_nonces WHERE expires_at < ${now.toISOString()}::timestamptz RETURNING 1)
    SELECT count(*)::int AS n FROM gone`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
