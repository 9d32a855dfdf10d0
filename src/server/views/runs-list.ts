// The list of runs and broadcasts for the console: newest first, with the number of groups and
// the ledger counts per state (of the caller's groups only, for a leader).

import { sql } from 'kysely';
import { runTitleOf } from '../../run/tasks.ts';
import type { Db } from '../../store/db.ts';

export interface RunListItem {
  id: string;
  kind: 'run' | 'broadcast';
  title: string;
  state: string;
  sheet?: { id: string; version: number };
  anchor?: string;
  deadline?: string;
  groups: number;
  counts: Record<string, number>;
  createdAt: string;
  createdBy: string | null;
}

interface Raw {
  id: string;
  kind: string;
  state: string;
  sheet_id: string | null;
  sheet_version: number | null;
  sheet_title: string | null;
  broadcast_text: string | null;
  anchor: Date | string | null;
  deadline: Date | string | null;
  created_at: Date | string;
  created_by: string | null;
  groups: number | string;
}

export async function listRuns(
  db: Db,
  opts: { kind?: 'run' | 'broadcast'; state?: string; groupIds?: string[]; limit?: number } = {},
): Promise<RunListItem[]> {
  const only = opts.groupIds;
  const where = [sql`true`];
  // People operations (admission, blacklist) are one-off rows, listed where they belong.
  where.push(opts.kind ? sql`r.kind = ${opts.kind}` : sql`r.kind IN ('run', 'broadcast')`);
  if (opts.state) where.push(sql`r.state = ${opts.state}`);
  if (only) where.push(sql`EXISTS (SELECT 1 FROM run_groups x WHERE x.run_id = r.id AND x.group_id = ANY(${only}::text[]))`);
  const groupFilter = only ? sql`AND rg.group_id = ANY(${only}::text[])` : sql``;
  const runs = await sql<Raw>`
    SELECT r.id, r.kind, r.state, r.sheet_id, r.sheet_version, sv.title AS sheet_title, r.broadcast_text, r.anchor, r.deadline,
           r.created_at, r.created_by,
           (SELECT count(*) FROM run_groups rg WHERE rg.run_id = r.id ${groupFilter})::int AS groups
    FROM runs r
    LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY r.created_at DESC, r.id
    LIMIT ${opts.limit ?? 200}`.execute(db);
  const ids = runs.rows.map((r) => r.id);
  const counts = new Map<string, Record<string, number>>();
  if (ids.length) {
    const cellFilter = only ? sql`AND group_id = ANY(${only}::text[])` : sql``;
    const c = await sql<{ run_id: string; state: string; n: number }>`
      SELECT run_id, state, count(*)::int AS n FROM ledger
      WHERE run_id = ANY(${ids}::text[]) AND occurrence > 0 ${cellFilter}
      GROUP BY run_id, state`.execute(db);
    for (const r of c.rows) {
      const m = counts.get(r.run_id) ?? {};
      m[r.state] = Number(r.n);
      counts.set(r.run_id, m);
    }
  }
  return runs.rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'broadcast' ? 'broadcast' : 'run',
    title: runTitleOf({ kind: r.kind, sheetTitle: r.sheet_title, broadcastText: r.broadcast_text, id: r.id }),
    state: r.state,
    ...(r.sheet_id ? { sheet: { id: r.sheet_id, version: r.sheet_version ?? 0 } } : {}),
    ...(r.anchor ? { anchor: new Date(r.anchor).toISOString() } : {}),
    ...(r.deadline ? { deadline: new Date(r.deadline).toISOString() } : {}),
    groups: Number(r.groups),
    counts: counts.get(r.id) ?? {},
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
  }));
}
