// A person picks, in a `create_group` task, the group they created (lifecycle, issue 9): where the
// group did not bind by itself (another name, a platform that reports no new group), the run's
// placeholder becomes that group and the rows waiting for it go on there (group-effects.ts
// bindPlaceholder, the same binding as when the bot creates the group or is added to it).

import { bindPlaceholder, PENDING } from '../community/group-effects.ts';
import { msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { type InTransaction, RunError } from './runs.ts';

export interface BindAnswer {
  id: number;
  /** The group the run's rows now belong to. */
  group: string;
  state: string;
}

/**
 * `ref`: the group's Chorus id or its id on the platform, on the task's channel — a group Chorus
 * knows (the bot is in it) and that is not one of this run's groups already.
 */
export async function bindCreatedGroup(db: Db, ledgerId: number, ref: string, opts: { actor: string; now?: Date; inTransaction?: InTransaction<BindAnswer> }): Promise<BindAnswer> {
  const row = await db.selectFrom('ledger').select(['id', 'run_id', 'group_id', 'action', 'state']).where('id', '=', ledgerId).executeTakeFirst();
  if (!row) throw new RunError('not_found', msg('thing.ledgerRow', { id: ledgerId }));
  const placeholder = await db.selectFrom('groups').select(['id', 'channel_id', 'status']).where('id', '=', row.group_id).executeTakeFirstOrThrow();
  if (row.action !== 'create_group' || placeholder.status !== PENDING || !['assigned', 'missed', 'failed', 'planned'].includes(row.state)) {
    throw new RunError('wrong_state', msg('run.bindNotWaiting', { id: ledgerId }));
  }
  const target = await db
    .selectFrom('groups')
    .select(['id', 'external_id', 'name'])
    .where('channel_id', '=', placeholder.channel_id)
    .where((eb) => eb.or([eb('id', '=', ref), eb('external_id', '=', ref)]))
    .where('status', 'in', ['active', 'access_lost'])
    .executeTakeFirst();
  if (!target) throw new RunError('unknown_group', msg('run.bindNoGroup', { group: ref }));
  const inRun = await db.selectFrom('run_groups').select('group_id').where('run_id', '=', row.run_id).where('group_id', '=', target.id).executeTakeFirst();
  if (inRun) throw new RunError('wrong_state', msg('run.bindInRun', { group: target.name }));
  return db.transaction().execute(async (trx) => {
    const group = await bindPlaceholder(trx, placeholder.id, target.external_id, { actor: opts.actor, ...(opts.now ? { at: opts.now } : {}) });
    const after = await trx.selectFrom('ledger').select('state').where('id', '=', ledgerId).executeTakeFirstOrThrow();
    const answer = { id: ledgerId, group: group ?? target.id, state: after.state };
    await opts.inTransaction?.(trx, answer);
    return answer;
  });
}
