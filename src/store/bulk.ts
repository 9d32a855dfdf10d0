// Bulk writes that must be fast on PGlite, where every value is text the engine parses and every
// row's foreign-key check is a query of its own.
//
// `withoutForeignKeyChecks`: inside a transaction, the INSERTs of the work skip the per-row
// foreign-key triggers (session_replication_role = replica, then back to origin). Only for rows whose
// references the caller has just read and locked in that same transaction — an expansion's own
// run and group, a batch's own members — so the checks could only pass. A role that may not set
// it (not a superuser, on a PostgreSQL server) keeps the checks; PGlite's one user may.
//
// `jsonLines`: many JSON values as one text parameter, one value a line (JSON never holds a raw
// line break), split back into a text[] in SQL (cast each element to jsonb where it is used):
// about five times cheaper to send than a jsonb[] or text[] of JSON, whose every quote is escaped.

import { type RawBuilder, sql } from 'kysely';
import type { Db } from './db.ts';

/**
 * Runs `work` with the per-row foreign-key checks off (see above), inside the transaction `trx`,
 * and turns them back on after it, so that whatever else the transaction does keeps them.
 */
export async function withoutForeignKeyChecks<T>(trx: Db, work: () => Promise<T>): Promise<T> {
  if (!trx.isTransaction) throw new Error('withoutForeignKeyChecks needs a transaction');
  const r = await sql<{ on: boolean }>`SELECT current_setting('is_superuser') = 'on' AS on`.execute(trx);
  if (r.rows[0]?.on !== true) return work();
  await sql`SET LOCAL session_replication_role = replica`.execute(trx);
  // If the work fails, the transaction is aborted and its rollback resets the setting.
  const out = await work();
  await sql`SET LOCAL session_replication_role = origin`.execute(trx);
  return out;
}

/** The values as a text[] of their JSON, sent as one parameter (see above). */
export function jsonLines(values: readonly unknown[]): RawBuilder<string[]> {
  return sql<string[]>`string_to_array(${values.map((v) => JSON.stringify(v)).join('\n')}::text, E'\n')`;
}
