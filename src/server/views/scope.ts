// A leader's reach: the groups whose `leader` is their user name. Every scoped route narrows to
// these; a run with none of them is refused.

import type { Db } from '../../store/db.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError, forbidden } from '../errors.ts';

export async function leaderGroupIds(db: Db, leader: string): Promise<string[]> {
  return (await db.selectFrom('groups').select('id').where('leader', '=', leader).execute()).map((r) => r.id);
}

/**
 * Checks that the run exists (404) and, for a leader, that it has one of their groups (403).
 * Returns the groups the caller may see in it: undefined for everyone, the leader's ids otherwise.
 */
export async function runScope(db: Db, runId: string, leader: string | undefined, what: 'run' | 'broadcast' = 'run'): Promise<string[] | undefined> {
  const run = await db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst();
  if (!run) throw new ApiError(404, 'not_found', msg(`access.noRun.${what}`, { id: runId }));
  if (leader === undefined) return undefined;
  const ids = (
    await db
      .selectFrom('run_groups')
      .innerJoin('groups', 'groups.id', 'run_groups.group_id')
      .select('groups.id')
      .where('run_groups.run_id', '=', runId)
      .where('groups.leader', '=', leader)
      .execute()
  ).map((r) => r.id);
  if (!ids.length) throw forbidden(msg(`access.noneOfYourGroups.${what}`, { id: runId }));
  return ids;
}
