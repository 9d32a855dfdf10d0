// Human tasks: ledger rows a person executes (`by: leader`, or an action the channel cannot do),
// with the exact text to paste and a deadline. The leader page lists them; people mark them done;
// operators settle sends whose outcome the platform left unknown.
//
// A task's deadline is its due time plus the step's window: done by then is `done`, after it
// `done_late`. A task still open well past its deadline is marked `missed` by the sweep
// (src/run/sweep.ts); it can still be marked done afterwards, and then counts as late.

import { sql } from 'kysely';
import { msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { openCheckin } from '../community/checkins.ts';
import { moveRows } from './ledger.ts';
import { RunError } from './runs.ts';
import type { LedgerState } from './states.ts';

export interface TaskView {
  id: number;
  runId: string;
  runKind: 'run' | 'broadcast';
  runTitle: string;
  group: { id: string; name: string; channelKind: string; externalId: string; inviteLink?: string };
  step: string;
  action: string;
  text: string;
  /** Whom to write to, for a private message a person sends to an audience. */
  instruction?: string;
  link?: string;
  due: string;
  /** Due time plus the step's window: done after this counts as late. */
  deadline: string;
  state: string;
  /** Done late, missed, or still open past its deadline. */
  late: boolean;
  assignee: string | null;
}

export interface ListTasksOptions {
  assignee?: string;
  /** Default: open tasks only (`assigned`). */
  states?: string[];
  /** Tasks due from / before these instants. */
  from?: Date;
  to?: Date;
  limit?: number;
  /** The clock, for tests. */
  now?: Date;
}

const MINUTE = 60_000;

export function deadlineOf(row: { dueAt: Date; windowMinutes: number }): Date {
  return new Date(row.dueAt.getTime() + row.windowMinutes * MINUTE);
}

/**
 * The title a person recognises: the sheet's title, or the start of a broadcast's text. Data, in
 * no language: with `kind` beside it, the console says "Broadcast: …" / "群发：…" from its own
 * catalogue, and a notice through `runTitleText`.
 */
export function runTitleOf(run: { kind: string; sheetTitle: string | null; broadcastText: string | null; id: string }): string {
  if (run.kind === 'broadcast') {
    const text = (run.broadcastText ?? '').replace(/\s+/g, ' ').trim();
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  }
  // A people operation (admission, blacklist) carries its title in broadcast_text.
  if (run.kind === 'people') return run.broadcastText ?? run.id;
  return run.sheetTitle ?? run.id;
}

/** The title in a sentence: a broadcast is named as one (`notice.broadcastTitle`). */
export function runTitleText(kind: string, title: string): Text {
  return kind === 'broadcast' ? msg('notice.broadcastTitle', { text: title }) : title;
}

interface TaskRaw {
  id: number | string;
  run_id: string;
  run_kind: string;
  sheet_title: string | null;
  broadcast_text: string | null;
  group_id: string;
  group_name: string;
  channel_kind: string;
  external_id: string;
  invite_link: string | null;
  step_id: string;
  action: string;
  content: LedgerContent | string;
  due_at: Date | string;
  window_minutes: number;
  state: string;
  assignee: string | null;
}

/** Human tasks, overdue first (the leader page shows those at the top), then by due time. */
export async function listTasks(db: Db, opts: ListTasksOptions = {}): Promise<TaskView[]> {
  const now = opts.now ?? new Date();
  const states = opts.states?.length ? opts.states : ['assigned'];
  const where = [sql`l.mode = 'human'`, sql`l.occurrence > 0`, sql`l.state = ANY(${states}::text[])`];
  if (opts.assignee !== undefined) where.push(sql`l.assignee = ${opts.assignee}`);
  if (opts.from) where.push(sql`l.due_at >= ${opts.from.toISOString()}`);
  if (opts.to) where.push(sql`l.due_at < ${opts.to.toISOString()}`);
  const overdue = sql`(l.state IN ('assigned', 'missed') AND l.due_at + l.window_minutes * interval '1 minute' < ${now.toISOString()})`;
  const r = await sql<TaskRaw>`
    SELECT l.id, l.run_id, r.kind AS run_kind, sv.title AS sheet_title, r.broadcast_text, l.group_id, g.name AS group_name,
           c.kind AS channel_kind, g.external_id, g.invite_link, l.step_id, l.action, l.content, l.due_at, l.window_minutes, l.state, l.assignee
    FROM ledger l
    JOIN runs r ON r.id = l.run_id
    JOIN groups g ON g.id = l.group_id
    JOIN channels c ON c.id = g.channel_id
    LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY CASE WHEN ${overdue} THEN 0 ELSE 1 END, l.due_at, l.id
    LIMIT ${opts.limit ?? 1000}`.execute(db);
  return r.rows.map((x) => toTaskView(x, now));
}

function toTaskView(x: TaskRaw, now: Date): TaskView {
  const content: LedgerContent = typeof x.content === 'string' ? JSON.parse(x.content) : x.content;
  const dueAt = new Date(x.due_at);
  const deadline = deadlineOf({ dueAt, windowMinutes: x.window_minutes });
  const open = x.state === 'assigned';
  return {
    id: Number(x.id),
    runId: x.run_id,
    runKind: x.run_kind === 'broadcast' ? 'broadcast' : 'run',
    runTitle: runTitleOf({ kind: x.run_kind, sheetTitle: x.sheet_title, broadcastText: x.broadcast_text, id: x.run_id }),
    // The group's current invite link (the last one a connector made): the leader shares it.
    group: { id: x.group_id, name: x.group_name, channelKind: x.channel_kind, externalId: x.external_id, ...(x.invite_link ? { inviteLink: x.invite_link } : {}) },
    step: x.step_id,
    action: x.action,
    text: content.text,
    ...(content.instruction ? { instruction: content.instruction } : {}),
    ...(content.link ? { link: content.link } : {}),
    due: dueAt.toISOString(),
    deadline: deadline.toISOString(),
    state: x.state,
    late: x.state === 'done_late' || x.state === 'missed' || (open && now > deadline),
    assignee: x.assignee,
  };
}

async function ledgerRow(db: Db, id: number) {
  const row = await db
    .selectFrom('ledger')
    .select(['id', 'run_id', 'mode', 'state', 'due_at', 'window_minutes', 'executed_by', 'executed_at', 'action'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new RunError('not_found', msg('task.notFound', { id }));
  return row;
}

const STATE_WORDS = new Set<string>(['done', 'done_late', 'cancelled', 'skipped']);

/** Why a task cannot be done, in words (`task.state.*`), else its state's name. */
const stateWords = (state: string) => msg(STATE_WORDS.has(state) ? `task.state.${state}` : `ledger.state.${state}`);

/**
 * Marks a task done. On time when `at` (default now) is by the deadline (due + window), else late;
 * a missed task can still be done, and then counts as late.
 */
export async function completeTask(db: Db, id: number, by: string, opts: { note?: string; at?: Date } = {}): Promise<{ state: 'done' | 'done_late' }> {
  const row = await ledgerRow(db, id);
  if (row.mode !== 'human') {
    throw new RunError('not_a_task', msg('task.notATask', { id }));
  }
  const at = opts.at ?? new Date();
  const deadline = deadlineOf({ dueAt: new Date(row.due_at), windowMinutes: row.window_minutes });
  const state = row.state as LedgerState;
  if (state !== 'assigned' && state !== 'missed') {
    throw new RunError('wrong_state', msg('task.cannotComplete', { id, state: stateWords(state) }));
  }
  const to = state === 'assigned' && at <= deadline ? 'done' : 'done_late';
  const moved = await moveRows(db, [id], {
    from: [state],
    to,
    actor: by,
    ...(opts.note ? { note: opts.note } : {}),
    set: { executed_by: by, executed_at: at, on_time: to === 'done' },
  });
  if (!moved.length) {
    // Someone else moved it in between (another click, the sweep): report what it is now.
    const now = await ledgerRow(db, id);
    if (now.state === 'missed') return completeTask(db, id, by, opts);
    throw new RunError('wrong_state', msg('task.cannotComplete', { id, state: stateWords(now.state) }));
  }
  // A leader posted the check-in: its window opens now (the sweep would, a little later).
  if (row.action === 'checkin') await openCheckin(db, id);
  await touchRun(db, row.run_id);
  return { state: to };
}

/**
 * A person's own action bumps the run, so the run board (cached while only workers change it,
 * see src/server/views/board.ts) shows it at once.
 */
async function touchRun(db: Db, runId: string): Promise<void> {
  await db.updateTable('runs').set({ updated_at: new Date() }).where('id', '=', runId).execute();
}

/**
 * Settles a send whose outcome Chorus could not see (`unconfirmed`: the worker stopped while
 * sending, or the platform's answer was unclear), or one waiting for a WeCom staff member, after
 * an operator checked the group: it went out (`sent`), it did not (`failed`), or send it again
 * (`resend`, only for `unconfirmed`: a WeCom task still waiting could be confirmed any moment).
 */
export async function resolveUnconfirmed(db: Db, id: number, by: string, outcome: 'sent' | 'failed' | 'resend'): Promise<void> {
  const row = await ledgerRow(db, id);
  const from: LedgerState[] = outcome === 'resend' ? ['unconfirmed'] : ['unconfirmed', 'awaiting_confirmation'];
  if (!from.includes(row.state as LedgerState)) {
    const state = msg(`ledger.state.${row.state}`);
    throw new RunError(
      'wrong_state',
      outcome === 'resend' ? msg('task.cannotResend', { id, state }) : msg('task.cannotResolve', { id, state, outcome: msg(`ledger.state.${outcome}`) }),
    );
  }
  let moved: number[];
  if (outcome === 'sent') {
    // The platform took it when the send was attempted: the last move to `sending`.
    const attempt = await db
      .selectFrom('ledger_history')
      .select('at')
      .where('ledger_id', '=', id)
      .where('to_state', '=', 'sending')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const at = attempt ? new Date(attempt.at) : new Date();
    const deadline = deadlineOf({ dueAt: new Date(row.due_at), windowMinutes: row.window_minutes });
    moved = await moveRows(db, [id], {
      from,
      to: 'sent',
      actor: by,
      note: 'an operator checked the group: it was sent',
      set: { executed_by: 'bot', executed_at: at, on_time: at <= deadline, claimed_by: null, last_error: null },
    });
  } else if (outcome === 'failed') {
    moved = await moveRows(db, [id], {
      from,
      to: 'failed',
      actor: by,
      note: 'an operator checked the group: it was not sent',
      set: { last_error: 'an operator checked the group and it was not sent', claimed_by: null },
    });
  } else {
    moved = await moveRows(db, [id], {
      from,
      to: 'planned',
      actor: by,
      note: 'an operator checked the group: send it again',
      set: { claimed_by: null, last_error: null, next_attempt_at: null },
    });
    // A run that had ended takes the send up again.
    if (moved.length) {
      await db.updateTable('runs').set({ state: 'running', updated_at: new Date() }).where('id', '=', row.run_id).where('state', '=', 'completed').execute();
    }
  }
  if (!moved.length) throw new RunError('wrong_state', msg('task.changed', { id }));
  await touchRun(db, row.run_id);
}
