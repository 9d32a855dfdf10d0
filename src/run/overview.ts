// The operator's day (the console's Overview, `GET /api/overview`): what is due in the next
// hours, what is late, what was missed, which sends failed or wait for someone to confirm them,
// which channels need attention, and how far the runs in progress are. Pure: the queries
// (src/server/views/overview.ts) hand over the candidate rows; this decides where each belongs,
// in what order, and how many are shown.

import { bucketOf } from './buckets.ts';

/** A ledger row as the overview needs it. */
export interface OverviewRow {
  id: number;
  runId: string;
  runTitle: string;
  runState: string;
  groupId: string;
  groupName: string;
  step: string;
  action: string;
  mode: string;
  assignee: string | null;
  due: Date;
  windowMinutes: number;
  state: string;
  text: string;
  lastError: string | null;
  updatedAt: Date;
}

export interface OverviewItem {
  id: number;
  runId: string;
  runTitle: string;
  groupId: string;
  groupName: string;
  step: string;
  action: string;
  mode: string;
  assignee: string | null;
  due: string;
  state: string;
  /** The first words of what is sent or done. */
  text: string;
  error?: string;
  /** Minutes past the due time (late and missed rows). */
  lateMinutes?: number;
}

export interface OverviewSection {
  /** All rows of the section (the items are the first `limit` of them). */
  total: number;
  items: OverviewItem[];
}

export interface OverviewChannel {
  id: string;
  name: string;
  kind: string;
  status: string;
  reason: string | null;
  /** Groups of the channel Chorus can no longer reach. */
  groupsLost: number;
}

export interface OverviewRunInput {
  id: string;
  kind: string;
  title: string;
  state: string;
  sheet: { id: string; version: number; title: string } | null;
  anchor: Date | null;
  createdAt: Date;
  groups: number;
  counts: Record<string, number>;
}

export interface OverviewRun {
  id: string;
  kind: string;
  title: string;
  state: string;
  sheet?: { id: string; version: number; title: string };
  anchor?: string;
  createdAt: string;
  groups: number;
  /** Actions, without the cancelled and skipped ones. */
  total: number;
  done: number;
  late: number;
  missed: number;
  pending: number;
  /** Whole percent of the actions settled (done, late or missed). */
  percent: number;
  /** Failed, missed or unconfirmed actions: someone should look. */
  attention: number;
}

export interface Overview {
  now: string;
  hours: number;
  due: OverviewSection;
  late: OverviewSection;
  missed: OverviewSection;
  failed: OverviewSection;
  unconfirmed: OverviewSection;
  channels: OverviewChannel[];
  runs: OverviewRun[];
}

/** Groups whose health the last sweep judged `dying` (docs/insight.md#group-health), lowest score first. */
export interface OverviewDying {
  total: number;
  groups: { id: string; name: string; score: number; since: string }[];
}

export interface OverviewInput {
  now: Date;
  hours: number;
  /** Open rows (planned, due, retry_wait, assigned) due before now + hours. */
  open: OverviewRow[];
  /** Rows in failed, missed, unconfirmed or awaiting_confirmation. */
  problems: OverviewRow[];
  /** Totals per section when the queries capped the rows (a section's total is at least its rows). */
  totals?: Partial<Record<'due' | 'late' | 'missed' | 'failed' | 'unconfirmed', number>>;
  channels: OverviewChannel[];
  runs: OverviewRunInput[];
  /** Items shown per section (default 20). */
  limit?: number;
}

/** Bot sends this long past due count as late (a send a few seconds behind is only pacing). */
export const BOT_LATE_AFTER_MINUTES = 5;
export const OPEN_STATES = ['planned', 'due', 'retry_wait', 'assigned'] as const;
export const PROBLEM_STATES = ['failed', 'missed', 'unconfirmed', 'awaiting_confirmation'] as const;
const ATTENTION = new Set(['failed', 'missed', 'unconfirmed']);

const MINUTE = 60_000;

function item(r: OverviewRow, now: Date, late: boolean): OverviewItem {
  const text = r.text.replace(/\s+/g, ' ').trim();
  return {
    id: r.id,
    runId: r.runId,
    runTitle: r.runTitle,
    groupId: r.groupId,
    groupName: r.groupName,
    step: r.step,
    action: r.action,
    mode: r.mode,
    assignee: r.assignee,
    due: r.due.toISOString(),
    state: r.state,
    text: text.length > 120 ? `${text.slice(0, 119)}…` : text,
    ...(r.lastError ? { error: r.lastError } : {}),
    ...(late ? { lateMinutes: Math.max(0, Math.floor((now.getTime() - r.due.getTime()) / MINUTE)) } : {}),
  };
}

function section(rows: OverviewRow[], total: number | undefined, limit: number, toItem: (r: OverviewRow) => OverviewItem): OverviewSection {
  return { total: Math.max(total ?? 0, rows.length), items: rows.slice(0, limit).map(toItem) };
}

/** A channel to look at: not active (credentials refused, disabled), or with groups it can no longer reach. */
export function channelNeedsAttention(c: { status: string; groupsLost: number }): boolean {
  return c.status !== 'active' || c.groupsLost > 0;
}

/** Is an open row late at `now`? A person's task once its due time passed; a bot's send a few minutes after. */
export function isLate(r: Pick<OverviewRow, 'mode' | 'state' | 'due'>, now: Date): boolean {
  const past = now.getTime() - r.due.getTime();
  if (r.state === 'assigned') return past > 0;
  return past > BOT_LATE_AFTER_MINUTES * MINUTE;
}

/**
 * Completion of a run from its ledger counts per state (bucketOf decides what each state counts
 * as). A send that went out late counts as done here: telling it apart needs each row, and the
 * board shows it.
 */
export function runProgress(counts: Record<string, number>): Pick<OverviewRun, 'total' | 'done' | 'late' | 'missed' | 'pending' | 'percent' | 'attention'> {
  const p = { total: 0, done: 0, late: 0, missed: 0, pending: 0, attention: 0 };
  for (const [state, n] of Object.entries(counts)) {
    if (ATTENTION.has(state)) p.attention += n;
    const bucket = bucketOf({ state, onTime: null });
    if (bucket === 'cancelled') continue;
    p.total += n;
    p[bucket] += n;
  }
  const settled = p.done + p.late + p.missed;
  return { ...p, percent: p.total ? Math.floor((settled / p.total) * 100) : 100 };
}

export function buildOverview(input: OverviewInput): Overview {
  const { now, hours } = input;
  const limit = input.limit ?? 20;
  const horizon = now.getTime() + hours * 3_600_000;
  const byDue = (a: OverviewRow, b: OverviewRow) => a.due.getTime() - b.due.getTime() || a.id - b.id;
  const newest = (a: OverviewRow, b: OverviewRow) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id - a.id;

  // Rows of a paused run wait on purpose: they are neither due soon nor late until it resumes.
  const open = input.open.filter((r) => r.runState === 'running');
  const late = open.filter((r) => isLate(r, now)).sort(byDue);
  const lateIds = new Set(late.map((r) => r.id));
  const due = open.filter((r) => !lateIds.has(r.id) && r.due.getTime() < horizon && r.due.getTime() >= now.getTime() - BOT_LATE_AFTER_MINUTES * MINUTE).sort(byDue);

  const of = (...states: string[]) => input.problems.filter((r) => states.includes(r.state)).sort(newest);
  const t = input.totals ?? {};
  return {
    now: now.toISOString(),
    hours,
    due: section(due, t.due, limit, (r) => item(r, now, false)),
    late: section(late, t.late, limit, (r) => item(r, now, true)),
    missed: section(of('missed'), t.missed, limit, (r) => item(r, now, true)),
    failed: section(of('failed'), t.failed, limit, (r) => item(r, now, false)),
    unconfirmed: section(of('unconfirmed', 'awaiting_confirmation'), t.unconfirmed, limit, (r) => item(r, now, false)),
    channels: input.channels.filter(channelNeedsAttention).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    runs: input.runs
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        title: r.title,
        state: r.state,
        ...(r.sheet ? { sheet: r.sheet } : {}),
        ...(r.anchor ? { anchor: r.anchor.toISOString() } : {}),
        createdAt: r.createdAt.toISOString(),
        groups: r.groups,
        ...runProgress(r.counts),
      }))
      .sort((a, b) => b.attention - a.attention || b.createdAt.localeCompare(a.createdAt)),
  };
}
