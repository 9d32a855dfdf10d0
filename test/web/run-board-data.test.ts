// The run board's data shaping (web/src/pages/runs/board-data.ts): cells land where the server
// put them, unchanged rows keep their identity across refreshes (no flicker, cheap re-render),
// filters keep the right groups, and the windowing range always covers the viewport.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BoardResponse, countStates, filterRows, shapeBoard, visibleRange } from '../../web/src/pages/runs/board-data.ts';
import { ATTENTION, BOARD_STATES, NO_CELL, stateCode, stateOfCode, UNKNOWN_STATE } from '../../web/src/pages/runs/states.ts';

function board(groups: number, steps: number, stateAt: (g: number, s: number) => string | null): BoardResponse {
  const cells: BoardResponse['cells'] = [];
  let id = 1;
  for (let g = 0; g < groups; g++) {
    for (let s = 0; s < steps; s++) {
      const st = stateAt(g, s);
      if (st) cells.push([g, s, st, id]);
      id++;
    }
  }
  return {
    run: { id: 'run_x', kind: 'run', title: 'Camp', state: 'running', timezone: 'Asia/Shanghai' },
    steps: Array.from({ length: steps }, (_, s) => ({ key: `s${s}#1`, step: `s${s}`, occurrence: 1, due: new Date(Date.UTC(2025, 2, 1, s)).toISOString(), action: 'post', executor: 'bot' })),
    groups: Array.from({ length: groups }, (_, g) => ({ id: `g${g}`, name: `Group ${g}`, leader: g % 2 ? 'ann' : 'bob', channelKind: 'sandbox', timezone: null })),
    cells,
    counts: {},
  };
}

describe('run board data', () => {
  it('puts each cell at its group and step, with its ledger id, and counts what needs a person', () => {
    const b = board(3, 4, (g, s) => (g === 1 && s === 2 ? 'failed' : s === 3 && g === 2 ? null : 'sent'));
    const { rows } = shapeBoard(b);
    expect(rows).toHaveLength(3);
    expect(stateOfCode(rows[1].states[2])).toBe('failed');
    expect(rows[1].ledger[2]).toBe(1 * 4 + 2 + 1);
    expect(rows[2].states[3]).toBe(NO_CELL);
    expect(rows[2].ledger[3]).toBe(0);
    expect(rows.map((r) => r.attention)).toEqual([0, 1, 0]);
  });

  it('keeps a state it does not know, by its raw name', () => {
    const { rows } = shapeBoard(board(1, 2, (_g, s) => (s === 0 ? 'teleported' : 'sent')));
    expect(rows[0].states[0]).toBe(UNKNOWN_STATE);
    expect(rows[0].unknown?.get(0)).toBe('teleported');
  });

  it('ignores cells that point outside the grid instead of breaking the board', () => {
    const b = board(2, 2, () => 'planned');
    b.cells.push([5, 0, 'failed', 99], [0, 7, 'failed', 98], [0, -1, 'failed', 97]);
    const { rows } = shapeBoard(b);
    expect(rows.every((r) => r.attention === 0)).toBe(true);
  });

  it('reuses unchanged rows and columns on refresh and replaces exactly what changed', () => {
    const first = shapeBoard(board(50, 10, () => 'planned'));
    const next = shapeBoard(board(50, 10, (g, s) => (g === 7 && s === 3 ? 'sent' : 'planned')), first);
    for (let g = 0; g < 50; g++) {
      if (g === 7) expect(next.rows[g]).not.toBe(first.rows[g]);
      else expect(next.rows[g]).toBe(first.rows[g]);
    }
    expect(next.steps).toBe(first.steps);
    const moved = board(50, 10, () => 'planned');
    moved.steps[2] = { ...moved.steps[2], due: '2025-03-02T00:00:00.000Z' };
    expect(shapeBoard(moved, next).steps).not.toBe(next.steps);
    const wider = shapeBoard(board(50, 11, () => 'planned'), first);
    expect(wider.rows[0]).not.toBe(first.rows[0]);
    const renamed = board(50, 10, (g, s) => (g === 7 && s === 3 ? 'sent' : 'planned'));
    renamed.groups[3] = { ...renamed.groups[3], leader: 'cat' };
    const after = shapeBoard(renamed, next);
    expect(after.rows[3]).not.toBe(next.rows[3]);
    expect(after.rows[4]).toBe(next.rows[4]);
  });

  it('property: shaping the same answer twice changes no row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.constantFrom(...BOARD_STATES, null), { minLength: 1, maxLength: 240 }), (g, s, states) => {
        const b = board(g, s, (gi, si) => states[(gi * s + si) % states.length]);
        const a = shapeBoard(b);
        const again = shapeBoard(b, a);
        expect(again.rows.every((r, i) => r === a.rows[i])).toBe(true);
        const total = Object.values(countStates(a.rows, BOARD_STATES)).reduce((x, y) => x + y, 0);
        expect(total).toBe(b.cells.length);
      }),
    );
  });

  it('filters by state and by a part of the group name or leader', () => {
    const { rows } = shapeBoard(board(6, 3, (g, s) => (g === 4 && s === 1 ? 'missed' : g === 2 && s === 0 ? 'unconfirmed' : 'sent')));
    const attention = new Set(ATTENTION.map(stateCode));
    expect(filterRows(rows, { states: attention, text: '' }).map((r) => r.group.name)).toEqual(['Group 2', 'Group 4']);
    expect(filterRows(rows, { states: new Set([stateCode('missed')]), text: '' }).map((r) => r.index)).toEqual([4]);
    expect(filterRows(rows, { states: new Set(), text: 'group 5' }).map((r) => r.index)).toEqual([5]);
    expect(filterRows(rows, { states: new Set(), text: 'ANN' }).map((r) => r.index)).toEqual([1, 3, 5]);
    expect(filterRows(rows, { states: new Set(), text: ' ' })).toBe(rows);
    expect(countStates(filterRows(rows, { states: attention, text: '' }), ['missed', 'unconfirmed', 'sent'])).toEqual({ missed: 1, unconfirmed: 1, sent: 4 });
  });

  it('shapes a 500 × 40 board and its refresh quickly', () => {
    const b = board(500, 40, (g, s) => BOARD_STATES[(g + s) % BOARD_STATES.length]);
    const t0 = performance.now();
    const a = shapeBoard(b);
    const again = shapeBoard(b, a);
    const ms = performance.now() - t0;
    expect(again.rows.every((r, i) => r === a.rows[i])).toBe(true);
    expect(ms).toBeLessThan(500);
  });
});

describe('windowing', () => {
  it('renders the rows in view plus the overscan', () => {
    expect(visibleRange(0, 280, 28, 500, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(2800, 280, 28, 500, 5)).toEqual({ start: 95, end: 115 });
    expect(visibleRange(100_000, 280, 28, 500, 5)).toEqual({ start: 500, end: 500 });
    expect(visibleRange(0, 280, 28, 0)).toEqual({ start: 0, end: 0 });
  });

  it('property: every row that is at least partly visible is rendered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 10, max: 60 }), fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 10 }), (top, vh, rh, total, over) => {
        const { start, end } = visibleRange(top, vh, rh, total, over);
        expect(0 <= start && start <= end && end <= total).toBe(true);
        for (let i = 0; i < total; i++) {
          const visible = i * rh < top + vh && (i + 1) * rh > top;
          if (visible) expect(i >= start && i < end).toBe(true);
        }
      }),
    );
  });
});
