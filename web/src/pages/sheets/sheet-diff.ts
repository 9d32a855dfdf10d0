// A line diff of two sheet versions as rows to draw: added, removed, unchanged, and "n lines
// unchanged" where a long unchanged stretch is folded away (context lines kept on both sides).

import { diffLines } from 'diff';

export type DiffRow =
  | { kind: 'same' | 'add' | 'del'; oldNo: number | null; newNo: number | null; text: string }
  | { kind: 'skip'; count: number };

const CONTEXT = 3;

export function diffRows(before: string, after: string, context = CONTEXT): DiffRow[] {
  const rows: Extract<DiffRow, { text: string }>[] = [];
  let oldNo = 1;
  let newNo = 1;
  // A last line without its newline would differ from the same line with one (and show as changed
  // when a line is appended after it), so both texts end in one for the comparison.
  const eol = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  for (const part of diffLines(eol(before), eol(after))) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      if (part.added) rows.push({ kind: 'add', oldNo: null, newNo: newNo++, text });
      else if (part.removed) rows.push({ kind: 'del', oldNo: oldNo++, newNo: null, text });
      else rows.push({ kind: 'same', oldNo: oldNo++, newNo: newNo++, text });
    }
  }
  // Keep unchanged lines within `context` of a change; fold the rest.
  const keep = rows.map((r) => r.kind !== 'same');
  rows.forEach((r, i) => {
    if (r.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep[j] = true;
  });
  const out: DiffRow[] = [];
  let folded = 0;
  rows.forEach((r, i) => {
    if (keep[i]) {
      if (folded) out.push({ kind: 'skip', count: folded });
      folded = 0;
      out.push(r);
    } else folded++;
  });
  if (folded) out.push({ kind: 'skip', count: folded });
  return out;
}

export function diffStats(rows: DiffRow[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const r of rows) {
    if (r.kind === 'add') added++;
    else if (r.kind === 'del') removed++;
  }
  return { added, removed };
}
