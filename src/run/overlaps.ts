// Overlapping runs: before a run starts, what else would land in the same group in the same hour
// (the group's local clock hour) — actions of other runs and broadcasts that are running or
// paused. A second camp started on groups already running one doubles what members get; the
// preview says so, per group and hour, naming the other run by its title. Pure: the rows in, the
// overlaps out.

import { DateTime } from 'luxon';

export interface OurAction {
  groupId: string;
  dueMs: number;
}

export interface OtherActions {
  runId: string;
  /** The sheet's title, or the broadcast's. */
  title: string;
  kind: string;
  groupId: string;
  dueMs: number;
  /** How many actions at that instant. */
  n: number;
}

export interface Overlap {
  groupId: string;
  groupName: string;
  /** Start of the hour, ISO 8601 (UTC); the hour is the group's local clock hour. */
  hour: string;
  /** This run's actions in that hour in that group. */
  ours: number;
  other: { runId: string; title: string; kind: string };
  /** The other run's actions in that hour in that group. */
  theirs: number;
}

export interface OverlapSummary {
  /** Every (group, hour, other run) that overlaps. */
  total: number;
  /** Per other run: how many groups and hours overlap, and its actions in them. */
  runs: { runId: string; title: string; kind: string; groups: number; hours: number; theirs: number }[];
  /** The first overlaps, by hour then group name (at most `limit`). */
  items: Overlap[];
}

function hourOf(ms: number, zone: string): number {
  const t = DateTime.fromMillis(ms, { zone });
  return (t.isValid ? t : DateTime.fromMillis(ms, { zone: 'UTC' })).startOf('hour').toMillis();
}

export function findOverlaps(
  ours: readonly OurAction[],
  others: readonly OtherActions[],
  groups: ReadonlyMap<string, { name: string; zone: string }>,
  limit = 50,
): OverlapSummary {
  const zone = (g: string) => groups.get(g)?.zone ?? 'UTC';
  const mine = new Map<string, number>();
  for (const a of ours) {
    const key = `${a.groupId}|${hourOf(a.dueMs, zone(a.groupId))}`;
    mine.set(key, (mine.get(key) ?? 0) + 1);
  }
  const hits = new Map<string, Overlap>();
  for (const o of others) {
    const hour = hourOf(o.dueMs, zone(o.groupId));
    const ourCount = mine.get(`${o.groupId}|${hour}`);
    if (!ourCount) continue;
    const key = `${o.groupId}|${hour}|${o.runId}`;
    const hit = hits.get(key);
    if (hit) hit.theirs += o.n;
    else {
      hits.set(key, {
        groupId: o.groupId,
        groupName: groups.get(o.groupId)?.name ?? o.groupId,
        hour: new Date(hour).toISOString(),
        ours: ourCount,
        other: { runId: o.runId, title: o.title, kind: o.kind },
        theirs: o.n,
      });
    }
  }
  const all = [...hits.values()].sort((a, b) => a.hour.localeCompare(b.hour) || a.groupName.localeCompare(b.groupName) || a.other.title.localeCompare(b.other.title));
  const byRun = new Map<string, { runId: string; title: string; kind: string; groups: Set<string>; hours: Set<string>; theirs: number }>();
  for (const h of all) {
    const r = byRun.get(h.other.runId) ?? { ...h.other, groups: new Set<string>(), hours: new Set<string>(), theirs: 0 };
    byRun.set(h.other.runId, r);
    r.groups.add(h.groupId);
    r.hours.add(h.hour);
    r.theirs += h.theirs;
  }
  return {
    total: all.length,
    runs: [...byRun.values()].map((r) => ({ runId: r.runId, title: r.title, kind: r.kind, groups: r.groups.size, hours: r.hours.size, theirs: r.theirs })),
    items: all.slice(0, limit),
  };
}
