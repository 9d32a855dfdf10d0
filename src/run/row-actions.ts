// What a person may do to one ledger row from the run board, decided from the row's state, its
// mode and its run's state. Pure: the API refuses with these reasons (409), the console shows
// only the actions this allows, and both read the same table.
//
//   retry     failed → planned (the platform said no, or it was never attempted: a known
//             outcome); unconfirmed or missed bot rows → planned only after a person checked
//             the chat and confirms "it was not sent" — a send whose outcome is unknown is
//             never repeated on Chorus's own judgement.
//   send_now  planned / retry_wait bot rows: due now (pacing still applies); the run must be
//             running.
//   skip      planned, retry_wait, failed, assigned, missed → skipped (never executed).
//   reassign  a person's task (assigned, missed) → assigned to someone else; a missed task gets
//             a new window from now.
//   edit      the text of a row not sent and not being sent: planned, retry_wait, failed,
//             assigned, missed.
//
// A leader may edit and reassign the tasks of their own groups (or assigned to them); the bot's
// messages and skipping are an operator's decision.

import { english, type Msg, msg, type Value } from '../i18n/index.ts';
import type { LedgerState } from './states.ts';

export const ROW_ACTIONS = ['retry', 'send_now', 'skip', 'reassign', 'edit'] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

export interface RowFacts {
  state: LedgerState;
  mode: 'bot' | 'human';
  /** running | paused | cancelled | completed */
  runState: string;
}

export type ActionPlan =
  | {
      ok: true;
      to: LedgerState;
      /** The run had completed: this action opens it again. */
      reopensRun: boolean;
      /** The row's time moves to now (a send now, a retried send, a missed task handed on). */
      dueNow: boolean;
    }
  | {
      ok: false;
      code: 'wrong_state' | 'needs_confirmation';
      /** Why, in English (logs); `text` is the same in the reader's language. */
      reason: string;
      text: Msg;
    };

const NOT_SENT: readonly LedgerState[] = ['planned', 'retry_wait', 'failed', 'assigned', 'missed'];

// A row's state in the words of a refusal ("this one is already sent"); other states by their name.
const WORDS: Partial<Record<LedgerState, Msg>> = {
  due: msg('row.is.beingSent'),
  sending: msg('row.is.beingSent'),
  sent: msg('row.is.sent'),
  awaiting_confirmation: msg('row.is.awaitingConfirmation'),
  done: msg('row.is.done'),
  done_late: msg('row.is.done'),
  skipped: msg('row.is.skipped'),
  cancelled: msg('row.is.cancelled'),
  unconfirmed: msg('row.is.unconfirmed'),
};

const what = (s: LedgerState): Msg => WORDS[s] ?? msg(`ledger.state.${s}`);

const RUN_STATES = ['running', 'paused', 'cancelled', 'completed'];
const runState = (s: string): Value => (RUN_STATES.includes(s) ? msg(`run.state.${s}`) : s);

function refuse(text: Msg, code: 'wrong_state' | 'needs_confirmation' = 'wrong_state'): ActionPlan {
  return { ok: false, code, reason: english(text), text };
}

/** Whether `action` may be done to the row now, and what the row becomes. */
export function planRowAction(action: RowAction, row: RowFacts, opts: { confirmedNotSent?: boolean } = {}): ActionPlan {
  if (row.runState === 'cancelled') return refuse(msg('row.no.runCancelled'));
  const ok = (to: LedgerState, dueNow = false): ActionPlan => ({ ok: true, to, dueNow, reopensRun: row.runState === 'completed' && to !== 'skipped' && action !== 'edit' });
  switch (action) {
    case 'retry': {
      if (row.mode !== 'bot') return refuse(msg('row.no.retryTask'));
      if (row.state === 'failed') return ok('planned', true);
      if (row.state === 'unconfirmed' || row.state === 'missed') {
        if (!opts.confirmedNotSent) return refuse(msg(row.state === 'unconfirmed' ? 'row.no.confirmUnconfirmed' : 'row.no.confirmMissed'), 'needs_confirmation');
        return ok('planned', true);
      }
      return refuse(msg('row.no.retryOnlyFailed', { what: what(row.state) }));
    }
    case 'send_now':
      if (row.mode !== 'bot') return refuse(msg('row.no.sendNowTask'));
      if (row.state !== 'planned' && row.state !== 'retry_wait') return refuse(msg('row.no.sendNowOnlyPlanned', { what: what(row.state) }));
      if (row.runState !== 'running') return refuse(msg('row.no.sendNowRun', { state: runState(row.runState) }));
      return ok(row.state, true);
    case 'skip':
      if (!NOT_SENT.includes(row.state)) return refuse(msg('row.no.skip', { what: what(row.state) }));
      return ok('skipped');
    case 'reassign':
      if (row.mode !== 'human') return refuse(msg('row.no.reassignBot'));
      if (row.state !== 'assigned' && row.state !== 'missed') return refuse(msg('row.no.reassignOnlyOpen', { what: what(row.state) }));
      return ok('assigned', row.state === 'missed');
    case 'edit':
      if (!NOT_SENT.includes(row.state)) return refuse(msg('row.no.edit', { what: what(row.state) }));
      return ok(row.state);
  }
}

/** The actions the console offers for a row (a retry that needs a confirmation counts). */
export function availableActions(row: RowFacts): RowAction[] {
  return ROW_ACTIONS.filter((a) => {
    const p = planRowAction(a, row, { confirmedNotSent: true });
    return p.ok;
  });
}

/** The actions a leader may take on a row: edit and reassign tasks of their groups or their own. */
export function leaderMay(action: RowAction, row: { mode: 'bot' | 'human'; groupLeader: string | null; assignee: string | null }, leader: string): boolean {
  if (action !== 'edit' && action !== 'reassign') return false;
  return row.mode === 'human' && (row.groupLeader === leader || row.assignee === leader);
}
