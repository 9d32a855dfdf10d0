// The run board's data, shaped once per refresh: one row per group with its cells in typed
// arrays. A row whose cells did not change keeps its identity between refreshes, so the grid
// (memoized rows) re-renders only what moved — the board refreshes every few seconds and must
// not flicker or lose its scroll position. Pure: no React, no fetch.

import { ATTENTION, NO_CELL, stateCode } from './states.ts';

export interface BoardRun {
  id: string;
  kind: 'run' | 'broadcast' | string;
  title: string;
  state: string;
  sheet?: { id: string; version: number };
  anchor?: string;
  timezone: string;
  deadline?: string;
}

export interface BoardStep {
  key: string;
  step: string;
  occurrence: number;
  due: string;
  action: string;
  executor: string;
}

export interface BoardGroup {
  id: string;
  name: string;
  leader: string | null;
  channelKind: string;
  timezone: string | null;
}

/** `[groupIndex, stepIndex, state, ledgerId]`: compact, so 20 000 cells are one small answer. */
export type BoardCell = [number, number, string, number];

export interface BoardResponse {
  run: BoardRun;
  steps: BoardStep[];
  groups: BoardGroup[];
  cells: BoardCell[];
  counts: Record<string, number>;
}

export interface BoardRow {
  /** The group's index in the server's answer: the `cell-<groupIndex>-<stepIndex>` test id. */
  index: number;
  group: BoardGroup;
  /** State code per step (states.ts), NO_CELL where the group has no row for that step. */
  states: Uint8Array;
  /** Ledger row id per step, 0 where there is none. */
  ledger: Float64Array;
  /** Raw state names the console does not know, by step (rare: a newer server). */
  unknown?: Map<number, string>;
  /** How many of this group's cells need a person (failed, missed, unconfirmed). */
  attention: number;
}

export interface ShapedBoard {
  /** The columns; the same array as last time when no column changed (memoized rows rely on it). */
  steps: readonly BoardStep[];
  rows: BoardRow[];
  /** Group id → row, to reuse unchanged rows on the next refresh. */
  byGroup: Map<string, BoardRow>;
}

const ATTENTION_CODES = new Set(ATTENTION.map(stateCode));

function sameGroup(a: BoardGroup, b: BoardGroup): boolean {
  return a.name === b.name && a.leader === b.leader && a.channelKind === b.channelKind && a.timezone === b.timezone;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameUnknown(a?: Map<number, string>, b?: Map<number, string>): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Shapes the server's answer into rows; rows equal to `previous` ones are returned as is. */
export function shapeBoard(board: BoardResponse, previous?: ShapedBoard): ShapedBoard {
  const width = board.steps.length;
  const fresh: BoardRow[] = board.groups.map((group, index) => ({
    index,
    group,
    states: new Uint8Array(width),
    ledger: new Float64Array(width),
    attention: 0,
  }));
  for (const [g, s, state, id] of board.cells) {
    const row = fresh[g];
    if (!row || s < 0 || s >= width) continue;
    const code = stateCode(state);
    row.states[s] = code;
    row.ledger[s] = id;
    if (ATTENTION_CODES.has(code)) row.attention++;
    if (code === 255) {
      row.unknown ??= new Map();
      row.unknown.set(s, state);
    }
  }
  const byGroup = new Map<string, BoardRow>();
  const sameWidth = previous === undefined || previous.steps.length === width;
  const rows = fresh.map((row) => {
    const old = previous?.byGroup.get(row.group.id);
    const keep =
      old &&
      sameWidth &&
      old.index === row.index &&
      sameGroup(old.group, row.group) &&
      sameArray(old.states, row.states) &&
      sameArray(old.ledger, row.ledger) &&
      sameUnknown(old.unknown, row.unknown);
    const chosen = keep ? old : row;
    byGroup.set(row.group.id, chosen);
    return chosen;
  });
  const old = previous?.steps;
  const sameSteps =
    old !== undefined &&
    old.length === board.steps.length &&
    old.every((o, i) => {
      const n = board.steps[i];
      return o.key === n.key && o.due === n.due && o.action === n.action && o.executor === n.executor;
    });
  return { steps: sameSteps ? old : board.steps, rows, byGroup };
}

export interface RowFilter {
  /** Keep groups with at least one cell in one of these state codes; empty: no state filter. */
  states: ReadonlySet<number>;
  /** Part of the group's name or leader, any case. */
  text: string;
}

export function filterRows(rows: readonly BoardRow[], f: RowFilter): readonly BoardRow[] {
  const text = f.text.trim().toLowerCase();
  if (!f.states.size && !text) return rows;
  return rows.filter((r) => {
    if (text && !r.group.name.toLowerCase().includes(text) && !(r.group.leader ?? '').toLowerCase().includes(text)) return false;
    if (!f.states.size) return true;
    for (let i = 0; i < r.states.length; i++) if (f.states.has(r.states[i])) return true;
    return false;
  });
}

/** Counts per state name over the given rows (the legend's numbers after filtering). */
export function countStates(rows: readonly BoardRow[], names: readonly string[]): Record<string, number> {
  const byCode = new Map<number, number>();
  for (const r of rows) {
    for (let i = 0; i < r.states.length; i++) {
      const c = r.states[i];
      if (c !== NO_CELL) byCode.set(c, (byCode.get(c) ?? 0) + 1);
    }
  }
  const out: Record<string, number> = {};
  for (const n of names) out[n] = byCode.get(stateCode(n)) ?? 0;
  return out;
}

/**
 * Which rows to render for a scroll position: the rows in view plus `overscan` on each side, so a
 * fast scroll does not show blank rows before React catches up. `end` is exclusive.
 */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 8): { start: number; end: number } {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  return { start: Math.max(0, Math.min(total, first - overscan)), end: Math.min(total, Math.max(0, last + overscan)) };
}
