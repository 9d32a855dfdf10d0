// The stage distribution over time (docs/insight.md#stage-distribution): how many of a set of
// members were in each stage at the end of each day, worked back from their stages now and the
// stage moves since. Pure: plain data in and out.

/** The moves of one local day (YYYY-MM-DD) from one stage to another, and how many members made them. */
export interface StageMove {
  day: string;
  from: string;
  to: string;
  count: number;
}

/**
 * For each day (oldest first), the members per stage at its end: the counts now, less the moves
 * made on later days (a move into a stage after the day was not there yet; a move out of one was).
 */
export function stageSeries(now: Readonly<Record<string, number>>, moves: readonly StageMove[], days: readonly string[], stages: readonly string[]): { day: string; counts: Record<string, number> }[] {
  const counts: Record<string, number> = Object.fromEntries(stages.map((s) => [s, now[s] ?? 0]));
  const byDay = new Map<string, StageMove[]>();
  for (const m of moves) {
    const list = byDay.get(m.day);
    if (list) list.push(m);
    else byDay.set(m.day, [m]);
  }
  const later = (d: string) => moves.filter((m) => m.day > d);
  // Undo every move after the last day first, then walk back a day at a time.
  const last = days.at(-1);
  if (last !== undefined) for (const m of later(last)) undo(counts, m);
  const out: { day: string; counts: Record<string, number> }[] = [];
  for (let i = days.length - 1; i >= 0; i--) {
    const day = days[i] as string;
    out.push({ day, counts: { ...counts } });
    for (const m of byDay.get(day) ?? []) undo(counts, m);
  }
  return out.reverse();
}

function undo(counts: Record<string, number>, m: StageMove): void {
  if (m.to in counts) counts[m.to] = (counts[m.to] ?? 0) - m.count;
  if (m.from in counts) counts[m.from] = (counts[m.from] ?? 0) + m.count;
}
