// The ledger states as the console shows them: the order of the legend, a compact code per state
// (so a 500 × 40 board is kept in typed arrays, not 20 000 objects) and which states need a
// person. Mirrors src/run/states.ts; the server is the authority, an unknown state still shows.

export const BOARD_STATES = [
  'planned',
  'due',
  'sending',
  'retry_wait',
  'sent',
  'awaiting_confirmation',
  'assigned',
  'done',
  'done_late',
  'missed',
  'failed',
  'unconfirmed',
  'skipped',
  'cancelled',
  'expanded',
] as const;

export type BoardState = (typeof BOARD_STATES)[number];

/** "What needs me": the states an operator must look at (src/run/states.ts ATTENTION_STATES). */
export const ATTENTION: readonly BoardState[] = ['failed', 'missed', 'unconfirmed'];

/** Still to happen: nothing final has been recorded yet. */
export const OPEN: readonly BoardState[] = ['planned', 'due', 'sending', 'retry_wait', 'awaiting_confirmation', 'assigned'];

/** Code 0 means "no ledger row in this cell" (a step that does not apply to the group). */
export const NO_CELL = 0;
/** A state this console does not know yet (a newer server); shown grey with its raw name. */
export const UNKNOWN_STATE = 255;

const CODE = new Map<string, number>(BOARD_STATES.map((s, i) => [s, i + 1]));

export function stateCode(state: string): number {
  return CODE.get(state) ?? UNKNOWN_STATE;
}

export function stateOfCode(code: number): BoardState | undefined {
  return code > 0 && code <= BOARD_STATES.length ? BOARD_STATES[code - 1] : undefined;
}

export function isBoardState(s: string): s is BoardState {
  return CODE.has(s);
}
