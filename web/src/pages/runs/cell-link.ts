// `/runs/<id>?cell=<ledger id>` opens that cell's details on the board (the Overview links to
// what needs someone this way). Pure: finds the cell in the shaped rows.

import type { BoardRow } from './board-data.ts';
import type { CellRef } from './board-grid.tsx';

export function findCell(rows: readonly BoardRow[], ledgerId: number): CellRef | undefined {
  for (const [groupIndex, row] of rows.entries()) {
    const stepIndex = row.ledger.indexOf(ledgerId);
    if (stepIndex >= 0) return { groupIndex, stepIndex, ledgerId };
  }
  return undefined;
}
