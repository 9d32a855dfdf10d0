// The ledger's state machine. Bot rows: planned → due (claimed by a worker) → sending → sent, or
// awaiting_confirmation (a person must confirm in the platform's client, as on WeCom) → sent |
// missed; transient trouble → retry_wait → due; permanent trouble → failed; a crash or an
// ambiguous platform answer while sending → unconfirmed (never resent automatically).
// Human rows: assigned → done | done_late | missed.
// Audience rows (a `notify`, `direct_message`, `remind`, `survey`, `tag` or `move` to `to:`): the
// group's row is claimed when due and becomes `expanded` — one new row per member of the audience
// at that moment does the work (src/run/expand.ts); the group's row itself sends nothing.

export const LEDGER_STATES = [
  'planned',
  'due',
  'sending',
  'sent',
  'awaiting_confirmation',
  'retry_wait',
  'unconfirmed',
  'assigned',
  'done',
  'done_late',
  'missed',
  'failed',
  'skipped',
  'cancelled',
  'expanded',
] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

const NEXT: Record<LedgerState, readonly LedgerState[]> = {
  // failed: it can never be attempted (the group was lost before it was due).
  planned: ['due', 'assigned', 'cancelled', 'skipped', 'failed'],
  // A claimed row goes back to planned when its worker stops before sending it.
  // expanded: an audience row turned into one row per member (src/run/expand.ts).
  // assigned: a member's private message the bot may not send (Telegram: the person never
  // pressed Start) becomes a person's task before anything is sent.
  due: ['sending', 'planned', 'cancelled', 'skipped', 'failed', 'expanded', 'assigned'],
  // assigned: the platform refused this content but a person can post it (ChannelError.forPerson).
  sending: ['sent', 'awaiting_confirmation', 'retry_wait', 'failed', 'unconfirmed', 'assigned'],
  retry_wait: ['due', 'cancelled', 'failed', 'skipped'],
  awaiting_confirmation: ['sent', 'missed', 'failed', 'cancelled'],
  // An operator checks the platform: it did go out (sent), it did not (failed, or send again).
  unconfirmed: ['sent', 'failed', 'planned'],
  // An operator plans a failed send again (retry) or gives it up (skip).
  failed: ['planned', 'skipped'],
  assigned: ['done', 'done_late', 'missed', 'cancelled', 'skipped'],
  // A missed task can still be done (late), handed to someone with a new window, or given up; a
  // bot row missed on WeCom (nobody confirmed) is planned again only after a person checked.
  missed: ['done_late', 'assigned', 'planned', 'skipped'],
  sent: [],
  done: [],
  done_late: [],
  skipped: [],
  cancelled: [],
  expanded: [],
};

/**
 * States a row may stay in while its content changes (text, assignee, due time): the row is not
 * being sent and not sent. The history records such a change as a move from the state to itself.
 */
const REVISABLE: readonly LedgerState[] = ['planned', 'retry_wait', 'failed', 'assigned', 'missed'];

export function canMove(from: LedgerState, to: LedgerState): boolean {
  return NEXT[from].includes(to) || (from === to && REVISABLE.includes(from));
}

/** States from which a row may still be executed (what cancel, pause and re-plan act on). */
export const OPEN_STATES: readonly LedgerState[] = ['planned', 'due', 'retry_wait', 'assigned'];

/** States that need a person to look (the "what needs me" filter). */
export const ATTENTION_STATES: readonly LedgerState[] = ['failed', 'missed', 'unconfirmed'];

export const FINAL_STATES: readonly LedgerState[] = ['sent', 'done', 'done_late', 'skipped', 'cancelled', 'expanded'];
