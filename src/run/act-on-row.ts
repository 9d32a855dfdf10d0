// A person's action on one ledger row (the run board's cell): retry a failed send, send a planned
// one now, skip, hand a task to someone else, change the text. What is allowed is decided by
// planRowAction (row-actions.ts); the change goes through moveRows, so it names the state it
// leaves: a worker that claimed the row in between wins, and the person is told to look again.

import { english, type Msg, msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { type Move, moveRows } from './ledger.ts';
import { noticeColumns } from './notices.ts';
import { type ActionPlan, planRowAction, type RowAction } from './row-actions.ts';
import type { LedgerState } from './states.ts';

export interface RowActionInput {
  action: RowAction;
  /** Who acts (kept in the row's history). */
  actor: string;
  /** retry of an unconfirmed or missed send: the person checked the chat and it was not sent. */
  confirmedNotSent?: boolean;
  /** reassign: the person's sign-in name (checked by the caller). */
  to?: string;
  /** edit: the new text, and the link (null removes it; absent keeps it). */
  text?: string;
  link?: string | null;
  now?: Date;
}

export interface RowActionResult {
  id: number;
  runId: string;
  state: LedgerState;
  mode: 'bot' | 'human';
  /** When the row is due now (the dispatcher is woken for it). */
  dueAt: Date;
  before: { text: string; assignee: string | null; state: LedgerState };
}

export class RowActionRefused extends Error {
  readonly code: 'not_found' | 'wrong_state' | 'needs_confirmation';
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(code: RowActionRefused['code'], message: Text) {
    super(english(message));
    this.name = 'RowActionRefused';
    this.code = code;
    this.text = message;
  }
}

// "Action 12 cannot be {verb}: …"
const VERB: Record<RowAction, Msg> = {
  retry: msg('row.verb.retry'),
  send_now: msg('row.verb.send_now'),
  skip: msg('row.verb.skip'),
  reassign: msg('row.verb.reassign'),
  edit: msg('row.verb.edit'),
};

export async function actOnRow(db: Db, id: number, input: RowActionInput): Promise<RowActionResult> {
  const row = await db
    .selectFrom('ledger')
    .innerJoin('runs', 'runs.id', 'ledger.run_id')
    .innerJoin('groups', 'groups.id', 'ledger.group_id')
    .select(['groups.name as group_name', 'ledger.id', 'ledger.run_id', 'ledger.state', 'ledger.mode', 'ledger.content', 'ledger.assignee', 'ledger.due_at', 'ledger.next_attempt_at', 'runs.state as run_state'])
    .where('ledger.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new RowActionRefused('not_found', msg('row.notFound', { id }));
  const state = row.state as LedgerState;
  const mode = row.mode as 'bot' | 'human';
  const plan: ActionPlan = planRowAction(input.action, { state, mode, runState: row.run_state }, { confirmedNotSent: input.confirmedNotSent });
  if (!plan.ok) {
    const key = plan.code === 'needs_confirmation' ? 'row.refusedUnconfirmed' : 'row.refused';
    throw new RowActionRefused(plan.code, msg(key, { id, verb: VERB[input.action], reason: plan.text }));
  }

  const now = input.now ?? new Date();
  const content: LedgerContent = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
  let dueAt = new Date(row.due_at);
  const move: Move = { from: [state], to: plan.to, actor: input.actor };
  switch (input.action) {
    case 'retry':
      // The original due time stays: a send due in the past goes at once (and counts as late),
      // one that failed before its time (its group was lost) waits for it.
      move.note = state === 'failed' ? 'tried again' : `${input.actor} checked the chat: it was not sent; tried again`;
      move.set = { last_error: null, claimed_by: null, next_attempt_at: null, executed_at: null, executed_by: null, on_time: null };
      break;
    case 'send_now':
      move.note = `sent now instead of at ${dueAt.toISOString()}`;
      move.set = state === 'retry_wait' ? { next_attempt_at: now } : { due_at: now };
      dueAt = now;
      break;
    case 'skip':
      move.note = 'skipped';
      move.set = { claimed_by: null, next_attempt_at: null };
      break;
    case 'reassign': {
      if (!input.to) throw new RowActionRefused('wrong_state', msg('row.needsPerson', { id }));
      move.note = `handed from ${row.assignee ?? 'nobody'} to ${input.to}${plan.dueNow ? ', with a new window from now' : ''}`;
      move.set = { assignee: input.to, ...(plan.dueNow ? { due_at: now, reminded_at: null } : {}) };
      if (plan.dueNow) dueAt = now;
      break;
    }
    case 'edit': {
      if (input.text === undefined) throw new RowActionRefused('wrong_state', msg('row.needsText', { id }));
      const next: LedgerContent = { ...content, text: input.text };
      if (input.link === null) delete next.link;
      else if (input.link !== undefined) next.link = input.link;
      move.note = 'text changed';
      move.set = { content: next };
      break;
    }
  }
  const moved = await moveRows(db, [id], move);
  if (!moved.length) throw new RowActionRefused('wrong_state', msg('row.changed', { id }));
  if (input.action === 'reassign' && input.to && input.to !== input.actor) {
    // The new person hears of it on their phone, not only when they next open their list.
    const text = content.text.replace(/\s+/g, ' ').trim();
    await db
      .insertInto('notifications')
      .values({
        recipient: input.to,
        kind: 'assigned',
        ledger_id: id,
        run_id: row.run_id,
        // Worded in the reader's language when listed (notifications.text), English in `message`.
        ...noticeColumns(msg('notice.handedToYou', { actor: input.actor, group: row.group_name, text: text.length > 80 ? `${text.slice(0, 79)}…` : text })),
      })
      .execute();
  }
  // The run's own row moves too: the run board (cached while only workers change it) shows a
  // person's action at once, and a completed run takes a retried send up again.
  await db
    .updateTable('runs')
    .set({ updated_at: now, ...(plan.reopensRun ? { state: 'running' } : {}) })
    .where('id', '=', row.run_id)
    .where('state', '!=', 'cancelled')
    .execute();
  return { id, runId: row.run_id, state: plan.to, mode, dueAt, before: { text: content.text, assignee: row.assignee, state } };
}
