// Members who may be one person: on different channels (one person has one identity per channel,
// see linkMembers), with the same phone, the same e-mail (any case) or exactly the same name.
// Suggestions only — names are no proof; an operator merges.

import { type Db, sql } from '../store/db.ts';

export type MergeReason = 'phone' | 'email' | 'name';

export interface MergeSuggestion {
  a: string;
  b: string;
  reason: MergeReason;
}

const KEYS: Record<MergeReason, string> = { phone: 'phone', email: 'lower(email)', name: 'name' };

export async function mergeSuggestions(db: Db, limit = 50): Promise<MergeSuggestion[]> {
  const out: MergeSuggestion[] = [];
  const seen = new Set<string>();
  for (const reason of ['phone', 'email', 'name'] as const) {
    if (out.length >= limit) break;
    const key = sql.raw(KEYS[reason]);
    const rows = await sql<{ a: string; b: string }>`
      WITH m AS (
        SELECT id, ${key} AS k FROM members
        WHERE forgotten_at IS NULL AND ${key} IS NOT NULL AND ${key} <> ''
      )
      SELECT x.id AS a, y.id AS b FROM m x JOIN m y ON x.k = y.k AND x.id < y.id
      WHERE NOT EXISTS (
        SELECT 1 FROM member_identities ix JOIN member_identities iy ON ix.channel_id = iy.channel_id
        WHERE ix.member_id = x.id AND iy.member_id = y.id
      )
      ORDER BY x.k, x.id, y.id
      LIMIT ${limit}`.execute(db);
    for (const r of rows.rows) {
      const pair = `${r.a} ${r.b}`;
      if (seen.has(pair) || out.length >= limit) continue;
      seen.add(pair);
      out.push({ a: r.a, b: r.b, reason });
    }
  }
  return out;
}
