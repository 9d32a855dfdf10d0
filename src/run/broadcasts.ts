// Broadcasts, the command center's tool: one instruction to many groups, sent by the bot where
// the group's channel can post, or done by each group's leader, by a deadline. A broadcast is a
// `runs` row of kind 'broadcast' with one ledger row per group, so the dispatcher, the sweep and
// `runStatus` treat it as a one-step run.

import { bucketOf } from './buckets.ts';
import { randomBytes } from 'node:crypto';
import type { GroupRow } from '../community/groups.ts';
import { selectGroups } from '../community/groups.ts';
import { strangers, teamPeople } from '../community/people.ts';
import { readDuration } from '../sop/when.ts';
import { msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { assign, assigneeFor } from './assign.ts';
import { insertLedger, type NewLedgerRow } from './ledger.ts';
import { capabilitiesOf, forecastOf, type InTransaction, type RunContext, RunError } from './runs.ts';
import { deadlineOf } from './tasks.ts';

export interface BroadcastInput {
  text: string;
  link?: string;
  /** A group selector, as for runs: all, tag:<t>, community:<type>, leader:<name>, channel:<name>, id:<g1>,<g2>. */
  groups: string;
  /** bot (default): the bot posts where the channel can, the leader elsewhere; leader: every group's leader. */
  by?: 'bot' | 'leader';
  /** An ISO instant with its offset (2025-03-01T20:00:00+08:00), or a duration from now: 2h, 30m, 1d. Default 24h. */
  deadline?: string;
}

/** The step id every broadcast row carries. */
export const BROADCAST_STEP = 'broadcast';
const DEFAULT_DEADLINE = '24h';
const MINUTE = 60_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads a deadline: an ISO instant with an offset, or a duration from `now`. It must be in the future. */
export function readDeadline(text: string | undefined, now: Date): Date {
  const t = (text ?? DEFAULT_DEADLINE).trim();
  let at: Date;
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    if (!ISO_INSTANT.test(t) || Number.isNaN(Date.parse(t))) {
      throw new RunError('bad_deadline', msg('broadcast.badDeadline', { value: t }));
    }
    at = new Date(t);
  } else {
    const d = readDuration(t);
    if (!d.ok) throw new RunError('bad_deadline', msg('broadcast.deadlineNotUnderstood', { value: t, reason: d.reason }));
    at = new Date(now.getTime() + d.value * MINUTE);
  }
  if (at.getTime() <= now.getTime()) {
    throw new RunError('bad_deadline', msg('broadcast.deadlinePassed', { at: at.toISOString() }));
  }
  return at;
}

function checkInput(input: BroadcastInput): { text: string; by: 'bot' | 'leader' } {
  const text = input.text?.trim() ?? '';
  if (!text) throw new RunError('empty_text', msg('broadcast.emptyText'));
  const by = input.by ?? 'bot';
  if (by !== 'bot' && by !== 'leader') throw new RunError('bad_executor', msg('broadcast.badExecutor', { by: String(by) }));
  return { text, by };
}

interface Prepared {
  groups: GroupRow[];
  rows: NewLedgerRow[];
  deadline: Date;
  text: string;
  by: 'bot' | 'leader';
}

async function prepare(ctx: RunContext, input: BroadcastInput, now: Date): Promise<Prepared> {
  const { text, by } = checkInput(input);
  const deadline = readDeadline(input.deadline, now);
  const groups = await selectGroups(ctx.db, input.groups);
  if (!groups.length) throw new RunError('no_groups', msg('run.noGroups', { selector: input.groups }));
  const caps = await capabilitiesOf(ctx, groups);
  // A channel that lost its credentials or was switched off cannot post: its groups' leaders do.
  const channelIds = [...caps.keys()];
  const usable = new Set(
    (await ctx.db.selectFrom('channels').select('id').where('id', 'in', channelIds).where('status', '=', 'active').execute()).map((c) => c.id),
  );
  const windowMinutes = Math.max(1, Math.ceil((deadline.getTime() - now.getTime()) / MINUTE));
  const content: LedgerContent = { text, ...(input.link?.trim() ? { link: input.link.trim() } : {}) };
  const rows = groups.map((group): NewLedgerRow => {
    const botCan = by === 'bot' && usable.has(group.channelId);
    const who = botCan ? assign('post', 'bot', caps.get(group.channelId)!) : { mode: 'human' as const, executor: 'leader' };
    // A group the bot cannot reach goes to its leader, whoever the sheet-style default would name.
    const executor = who.mode === 'human' ? 'leader' : 'bot';
    return {
      groupId: group.id,
      stepId: BROADCAST_STEP,
      occurrence: 1,
      action: 'post',
      mode: who.mode,
      executor,
      assignee: who.mode === 'human' ? assigneeFor(executor, group) : null,
      senderAccount: who.mode === 'bot' ? group.channelId : null,
      dueAt: now,
      windowMinutes,
      content,
    };
  });
  return { groups, rows, deadline, text, by };
}

export interface BroadcastPreview {
  groups: number;
  bot: number;
  human: number;
  deadline: string;
  /** When the bot's last post is expected under pacing, and the longest wait behind "now". */
  forecast: { finishAt?: string; maxDelaySeconds: number };
  /** Groups with no leader where a person must act: their tasks would be nobody's. */
  withoutLeader: string[];
  /** Groups where a person must act whose leader is not a person in the team: their tasks reach nobody. */
  leaderNotInTeam: { group: string; leader: string }[];
}

/** What a broadcast would do, writing nothing. */
export async function previewBroadcast(ctx: RunContext, input: BroadcastInput): Promise<BroadcastPreview> {
  const p = await prepare(ctx, input, new Date());
  const f = await forecastOf(ctx, p.rows);
  const names = new Map(p.groups.map((g) => [g.id, g.name]));
  const unknown = strangers(p.rows.map((r) => r.assignee), await teamPeople(ctx.db));
  return {
    groups: p.groups.length,
    bot: p.rows.filter((r) => r.mode === 'bot').length,
    human: p.rows.filter((r) => r.mode === 'human').length,
    deadline: p.deadline.toISOString(),
    forecast: {
      ...(f.finishAt !== undefined ? { finishAt: new Date(f.finishAt).toISOString() } : {}),
      maxDelaySeconds: Math.round(f.maxDelayMs / 1000),
    },
    withoutLeader: p.rows.filter((r) => r.mode === 'human' && !r.assignee).map((r) => names.get(r.groupId) ?? r.groupId),
    leaderNotInTeam: p.rows
      .filter((r) => r.mode === 'human' && r.assignee && unknown.has(r.assignee))
      .map((r) => ({ group: names.get(r.groupId) ?? r.groupId, leader: r.assignee! })),
  };
}

/** Starts a broadcast; its status is `runStatus(db, id)`, its progress `broadcastProgress(db, id)`. */
export async function createBroadcast(
  ctx: RunContext,
  input: BroadcastInput,
  opts: { inTransaction?: InTransaction<{ id: string; groups: number; bot: number; human: number }> } = {},
): Promise<{ id: string; groups: number; bot: number; human: number }> {
  const p = await prepare(ctx, input, new Date());
  const id = `bc_${randomBytes(6).toString('hex')}`;
  const bot = p.rows.filter((r) => r.mode === 'bot').length;
  const created = { id, groups: p.groups.length, bot, human: p.rows.length - bot };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('runs')
      .values({
        id,
        kind: 'broadcast',
        selector: input.groups,
        state: 'running',
        deadline: p.deadline,
        broadcast_text: p.text,
        broadcast_by: p.by,
        created_by: ctx.actor ?? null,
      })
      .execute();
    await trx
      .insertInto('run_groups')
      .values(p.groups.map((g, i) => ({ run_id: id, group_id: g.id, position: i + 1 })))
      .execute();
    await insertLedger(trx, id, p.rows);
    await opts.inTransaction?.(trx, created);
  });
  ctx.wake?.();
  return created;
}

export interface BroadcastProgress {
  total: number;
  /** Sent or done by the deadline. */
  done: number;
  /** Sent or done after the deadline. */
  late: number;
  /** Not done by the deadline (missed), or could not be sent (failed). */
  missed: number;
  /** Still to happen: waiting to be sent, waiting for a person or for a WeCom confirmation. */
  pending: number;
  cancelled: number;
  /** Per person responsible (tasks only); `overdue`: still open past the deadline, or missed. */
  byLeader: { leader: string; total: number; done: number; late: number; overdue: number }[];
}

export { bucketOf };

/** The head operator's board: how far a broadcast got, overall and per leader. */
export async function broadcastProgress(db: Db, id: string, opts: { now?: Date } = {}): Promise<BroadcastProgress> {
  const run = await db.selectFrom('runs').select(['id', 'kind']).where('id', '=', id).executeTakeFirst();
  if (!run) throw new RunError('not_found', msg('broadcast.notFound', { id }));
  if (run.kind !== 'broadcast') throw new RunError('not_a_broadcast', msg('broadcast.notABroadcast', { id }));
  const now = opts.now ?? new Date();
  const rows = await db
    .selectFrom('ledger')
    .select(['state', 'on_time', 'mode', 'assignee', 'due_at', 'window_minutes'])
    .where('run_id', '=', id)
    .where('occurrence', '>', 0)
    .execute();
  const p: BroadcastProgress = { total: rows.length, done: 0, late: 0, missed: 0, pending: 0, cancelled: 0, byLeader: [] };
  const leaders = new Map<string, BroadcastProgress['byLeader'][number]>();
  for (const r of rows) {
    const bucket = bucketOf({ state: r.state, onTime: r.on_time });
    p[bucket]++;
    if (r.mode !== 'human') continue;
    const name = r.assignee ?? '(no leader)';
    let l = leaders.get(name);
    if (!l) {
      l = { leader: name, total: 0, done: 0, late: 0, overdue: 0 };
      leaders.set(name, l);
    }
    l.total++;
    if (bucket === 'done') l.done++;
    if (bucket === 'late') l.late++;
    const pastDeadline = deadlineOf({ dueAt: new Date(r.due_at), windowMinutes: r.window_minutes }) < now;
    if (r.state === 'missed' || (r.state === 'assigned' && pastDeadline)) l.overdue++;
  }
  p.byLeader = [...leaders.values()].sort((a, b) => b.overdue - a.overdue || a.leader.localeCompare(b.leader));
  return p;
}
