// A run's status as a leader sees it: the shape of runStatus (src/run/runs.ts), with the counts
// and the actions of their own groups only.

import type { RunStatus } from '../../run/runs.ts';
import type { Db } from '../../store/db.ts';

export async function leaderRunStatus(db: Db, id: string, groupIds: string[], limit = 10_000): Promise<RunStatus> {
  const run = await db.selectFrom('runs').select(['id', 'kind', 'state', 'sheet_id', 'sheet_version']).where('id', '=', id).executeTakeFirstOrThrow();
  const counts = await db
    .selectFrom('ledger')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', id)
    .where('group_id', 'in', groupIds)
    .groupBy('state')
    .execute();
  const rows = await db
    .selectFrom('ledger')
    .innerJoin('groups', 'groups.id', 'ledger.group_id')
    .select([
      'ledger.id',
      'ledger.step_id',
      'ledger.group_id',
      'groups.name as group_name',
      'ledger.due_at',
      'ledger.state',
      'ledger.executor',
      'ledger.assignee',
      'ledger.attempts',
      'ledger.last_error',
      'ledger.on_time',
    ])
    .where('ledger.run_id', '=', id)
    .where('ledger.group_id', 'in', groupIds)
    .where('ledger.occurrence', '>', 0)
    .orderBy('ledger.due_at')
    .orderBy('ledger.id')
    .limit(limit)
    .execute();
  return {
    id: run.id,
    kind: run.kind,
    state: run.state,
    ...(run.sheet_id ? { sheet: { id: run.sheet_id, version: run.sheet_version! } } : {}),
    counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])),
    actions: rows.map((r) => ({
      id: Number(r.id),
      step: r.step_id,
      group: r.group_id,
      groupName: r.group_name,
      due: new Date(r.due_at).toISOString(),
      state: r.state,
      executor: r.executor,
      assignee: r.assignee,
      attempts: r.attempts,
      error: r.last_error,
      onTime: r.on_time,
    })),
  };
}
