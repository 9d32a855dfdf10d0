// The command center's live progress: where each group of a broadcast stands (done, late,
// missed, pending) and, per leader, who is late. Pure; the buckets are the server's own
// (src/run/buckets.ts), so the console and `chorus broadcast status` agree.

import { type Bucket, bucketOf } from '../../../../src/run/buckets.ts';

export interface BroadcastAction {
  id: number;
  group: string;
  groupName: string;
  due: string;
  state: string;
  executor: string;
  assignee: string | null;
  onTime: boolean | null;
}

export type { Bucket };
export { bucketOf };

export interface LeaderProgress {
  /** The leader's name; null for people's tasks in groups without a leader. */
  leader: string | null;
  total: number;
  done: number;
  late: number;
  missed: number;
  pending: number;
  /** Groups still open past the deadline, or missed: the ones to chase, most urgent first. */
  overdue: { group: string; groupName: string; state: string; ledgerId: number }[];
}

export interface Progress {
  total: number;
  done: number;
  late: number;
  missed: number;
  pending: number;
  cancelled: number;
  bot: { total: number; done: number; pending: number; failed: number };
  byLeader: LeaderProgress[];
}

/**
 * Sums a broadcast's rows. A row is a person's when its executor is not the bot
 * (src/run/assign.ts); it is overdue when it is missed, or still assigned after `deadline`.
 */
export function progressOf(actions: readonly BroadcastAction[], deadline: Date | undefined, now: Date): Progress {
  const p: Progress = {
    total: actions.length,
    done: 0,
    late: 0,
    missed: 0,
    pending: 0,
    cancelled: 0,
    bot: { total: 0, done: 0, pending: 0, failed: 0 },
    byLeader: [],
  };
  const leaders = new Map<string, LeaderProgress>();
  const past = deadline !== undefined && deadline.getTime() < now.getTime();
  for (const a of actions) {
    const bucket = bucketOf(a);
    p[bucket]++;
    if (a.executor === 'bot') {
      p.bot.total++;
      if (bucket === 'done' || bucket === 'late') p.bot.done++;
      else if (bucket === 'pending') p.bot.pending++;
      else if (bucket === 'missed') p.bot.failed++;
      continue;
    }
    const key = a.assignee ?? '';
    let l = leaders.get(key);
    if (!l) {
      l = { leader: a.assignee, total: 0, done: 0, late: 0, missed: 0, pending: 0, overdue: [] };
      leaders.set(key, l);
    }
    l.total++;
    if (bucket !== 'cancelled') l[bucket]++;
    if (a.state === 'missed' || (a.state === 'assigned' && past)) {
      l.overdue.push({ group: a.group, groupName: a.groupName, state: a.state, ledgerId: a.id });
    }
  }
  for (const l of leaders.values()) l.overdue.sort((x, y) => x.groupName.localeCompare(y.groupName));
  // Who needs chasing first: most overdue, then most still open, then by name (no leader last).
  p.byLeader = [...leaders.values()].sort(
    (a, b) =>
      b.overdue.length - a.overdue.length ||
      b.pending - a.pending ||
      (a.leader === null ? 1 : 0) - (b.leader === null ? 1 : 0) ||
      (a.leader ?? '').localeCompare(b.leader ?? ''),
  );
  return p;
}

/** Share of rows settled (done, late, missed or cancelled), 0–100, for the progress bar. */
export function settledPercent(p: Progress): number {
  if (!p.total) return 0;
  return Math.round(((p.total - p.pending) / p.total) * 100);
}
