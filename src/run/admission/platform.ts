// The platform side of admission and the blacklist: approving or declining a join request, a
// private message to an applicant, a personal invite link, removing, banning and unbanning. Every
// one is a ledger row (one-off rows, like a broadcast's), so nothing is sent twice and the
// dispatcher's pacing applies: an operation is a `runs` row of kind `people` whose title says
// what it is for, with one ledger row per action. Where the platform cannot do an action (WeCom
// cannot remove anyone from a customer group) the row is a task for the group's leader, with
// the instruction in words; an unban where the platform keeps no ban list is simply not needed.

import { randomBytes } from 'node:crypto';
import type { CapabilityMatrix, OutboundType } from '../../channels/port.ts';
import type { Db } from '../../store/db.ts';
import type { LedgerContent } from '../../store/schema.ts';
import { assigneeFor } from '../assign.ts';
import { insertLedger, type NewLedgerRow } from '../ledger.ts';
import { declaredCapabilities } from '../triggers.ts';

/** The ledger actions of people operations (src/dispatch/outbound.ts turns them into connector actions). */
export type PeopleAction = 'approve_join' | 'decline_join' | 'ban' | 'remove' | 'unban' | 'personal_invite' | 'direct_message' | 'post';

export const PEOPLE_RUN_KIND = 'people';

const OUTBOUND: Record<PeopleAction, OutboundType> = {
  approve_join: 'approve_join',
  decline_join: 'decline_join',
  ban: 'remove_member',
  remove: 'remove_member',
  unban: 'unban_member',
  personal_invite: 'create_invite_link',
  direct_message: 'direct_message',
  // A reply from the question inbox (src/insight/inbox-reply.ts).
  post: 'post',
};

export interface PeopleStep {
  groupId: string;
  memberId?: string;
  action: PeopleAction;
  /** Unique within the operation, with `occurrence`. */
  step: string;
  occurrence?: number;
  /** `userId`: the platform user (or private chat) it is about. `text`: the message, or a task's instruction. */
  content: LedgerContent;
  /** What a person does instead when the platform cannot (a task's words). */
  task?: string;
  /** Due this many seconds after the others (a private message must go before the request is declined). */
  afterSeconds?: number;
}

export interface Operation {
  /** The runs row; reused (and made running again) when it exists. */
  id?: string;
  title: string;
  actor?: string | null;
}

/** Queues the steps as ledger rows of one operation; returns the operation id and the ledger ids per step. */
export async function queuePeopleSteps(db: Db, op: Operation, steps: PeopleStep[], now = new Date()): Promise<{ id: string; ledgerIds: Map<string, number>; queued: number }> {
  const id = op.id ?? `pp_${randomBytes(6).toString('hex')}`;
  const ledgerIds = new Map<string, number>();
  if (!steps.length) return { id, ledgerIds, queued: 0 };
  const groupIds = [...new Set(steps.map((s) => s.groupId))];
  const groups = await db.selectFrom('groups').select(['id', 'channel_id', 'leader', 'attrs']).where('id', 'in', groupIds).execute();
  const byId = new Map(groups.map((g) => [g.id, g]));
  const caps = new Map<string, CapabilityMatrix>();
  for (const g of groups) if (!caps.has(g.channel_id)) caps.set(g.channel_id, await declaredCapabilities(db, g.channel_id));
  const channels = new Set(
    (await db.selectFrom('channels').select('id').where('id', 'in', [...caps.keys()]).where('status', '=', 'active').execute()).map((c) => c.id),
  );
  const rows: NewLedgerRow[] = [];
  for (const s of steps) {
    const g = byId.get(s.groupId);
    if (!g) continue;
    const can = channels.has(g.channel_id) && caps.get(g.channel_id)![OUTBOUND[s.action]] !== 'none';
    // An unban where the platform keeps no ban list (Wechaty, WeCom): nothing to undo.
    if (!can && s.action === 'unban') continue;
    const attrs = (typeof g.attrs === 'string' ? JSON.parse(g.attrs) : (g.attrs ?? {})) as Record<string, string>;
    rows.push({
      groupId: s.groupId,
      stepId: s.step,
      occurrence: s.occurrence ?? 1,
      ...(s.memberId ? { memberId: s.memberId } : {}),
      action: s.action,
      mode: can ? 'bot' : 'human',
      executor: can ? 'bot' : 'owner',
      assignee: can ? null : assigneeFor('owner', { leader: g.leader, attrs }),
      senderAccount: can ? g.channel_id : null,
      dueAt: new Date(now.getTime() + (s.afterSeconds ?? 0) * 1000),
      windowMinutes: 24 * 60,
      content: can ? s.content : { ...s.content, text: s.task ?? s.content.text },
    });
  }
  if (!rows.length) return { id, ledgerIds, queued: 0 };
  await db
    .insertInto('runs')
    .values({ id, kind: PEOPLE_RUN_KIND, selector: '', state: 'running', broadcast_text: op.title, created_by: op.actor ?? null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ state: 'running' }))
    .execute();
  const placed = await db.selectFrom('run_groups').select('group_id').where('run_id', '=', id).execute();
  const have = new Set(placed.map((p) => p.group_id));
  const fresh = [...new Set(rows.map((r) => r.groupId))].filter((g) => !have.has(g));
  if (fresh.length) {
    await db
      .insertInto('run_groups')
      .values(fresh.map((g, i) => ({ run_id: id, group_id: g, position: placed.length + i + 1 })))
      .execute();
  }
  await insertLedger(db, id, rows);
  const made = await db
    .selectFrom('ledger')
    .select(['id', 'step_id', 'group_id', 'occurrence'])
    .where('run_id', '=', id)
    .where('step_id', 'in', rows.map((r) => r.stepId))
    .execute();
  for (const m of made) ledgerIds.set(m.step_id, Number(m.id));
  return { id, ledgerIds, queued: rows.length };
}
