// A closing lead group leaves every live code (lifecycle, issue 9; docs/growth-lead-groups.md):
// from 10 minutes before its close (`groups.closes_at`, set by a run on a lead sheet — before its
// links are revoked and its goodbye posted), or as soon as it is archived or dismissed, nobody is
// routed there any more. Run knows nothing of growth, so growth observes the group: the sweep
// calls this. Idempotent: a slot is deleted once.

import { sql } from 'kysely';
import { CLOSE_LEAD_MINUTES } from '../sop/lifecycle.ts';
import type { Db } from '../store/db.ts';
import { clearFull } from './livecode-tasks.ts';

export async function releaseClosingGroups(db: Db, now = new Date()): Promise<number> {
  const soon = new Date(now.getTime() + CLOSE_LEAD_MINUTES.seats * 60_000).toISOString();
  const r = await sql<{ livecode_id: string }>`
    DELETE FROM livecode_groups s USING groups g
    WHERE g.id = s.group_id
      AND (g.status IN ('archived', 'dismissed', 'merged') OR (g.closes_at IS NOT NULL AND g.closes_at <= ${soon}::timestamptz))
    RETURNING s.livecode_id`.execute(db);
  // The live code's "all full" alert was about groups it no longer has: the next filling raises it again.
  for (const id of new Set(r.rows.map((x) => x.livecode_id))) await clearFull(db, id);
  return r.rows.length;
}
