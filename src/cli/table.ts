// Plain-text tables and times for the operational commands' human-readable output.

import { DateTime } from 'luxon';

/** Left-aligned columns separated by two spaces; the header is the first row. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** An instant in this machine's time zone, to the minute, with the zone's offset. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = DateTime.fromISO(iso);
  return d.isValid ? d.toLocal().toFormat("yyyy-LL-dd HH:mm 'UTC'ZZ") : iso;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
