// Test data for task and sweep tests: runs and ledger rows with chosen due times and windows.

import { randomBytes } from 'node:crypto';
import { insertLedger, type NewLedgerRow } from '../../src/run/ledger.ts';
import type { Db } from '../../src/store/db.ts';

export async function addRun(db: Db, opts: { kind?: 'run' | 'broadcast'; text?: string; state?: string; deadline?: Date } = {}): Promise<string> {
  const kind = opts.kind ?? 'run';
  const id = `${kind === 'run' ? 'run' : 'bc'}_${randomBytes(6).toString('hex')}`;
  await db
    .insertInto('runs')
    .values({
      id,
      kind,
      selector: 'all',
      state: opts.state ?? 'running',
      deadline: opts.deadline ?? null,
      broadcast_text: kind === 'broadcast' ? (opts.text ?? 'Please share the survey link today.') : null,
      broadcast_by: kind === 'broadcast' ? 'leader' : null,
    })
    .execute();
  return id;
}

export type RowSpec = Partial<NewLedgerRow> & { groupId: string; stepId: string };

/** Inserts rows (human and assigned unless told) and returns their ids, in the order given. */
export async function addRows(db: Db, runId: string, specs: RowSpec[]): Promise<number[]> {
  const rows: NewLedgerRow[] = specs.map((s) => ({
    occurrence: 1,
    action: 'task',
    mode: 'human',
    executor: 'leader',
    assignee: 'leader-1',
    senderAccount: null,
    dueAt: new Date(),
    windowMinutes: 30,
    content: { text: `Do ${s.stepId}` },
    ...s,
  }));
  await insertLedger(db, runId, rows);
  const found = await db.selectFrom('ledger').select(['id', 'group_id', 'step_id']).where('run_id', '=', runId).execute();
  return specs.map((s) => found.find((f) => f.group_id === s.groupId && f.step_id === s.stepId)!.id);
}

export const minutes = (n: number) => n * 60_000;
export const at = (base: Date, deltaMs: number) => new Date(base.getTime() + deltaMs);
