// The sweep: periodic work a worker runs beside dispatching (Worker's `sweep` option).
//   1. reminders — a task whose deadline is near gets one reminder to the person responsible;
//   2. missed — a task still open past its cutoff becomes `missed`, and the operators are told;
//   3. WeCom confirmations — posts waiting for a staff member are checked with WeCom (callbacks
//      are not guaranteed): `sent` with WeCom's send time, `failed` with its reason, or, once the
//      window has passed, `missed` and withdrawn; the staff member is reminded once before that;
//   4. runs and broadcasts with nothing left to happen become `completed`;
//   5. check-in windows: opened where a send path missed it, closed when their time is up, with
//      `checkin_missed` fired once per window (src/run/checkin-close.ts);
//   6. WeCom groups reconciled (src/community/reconcile.ts): each channel once per interval,
//      claimed with a conditional UPDATE of channels.reconciled_at, so one process does it;
//   7. the people rules' daily recompute and weekly demotion (src/community/standing/apply.ts
//      standingSweep), claimed the same way in workspace_settings.
// Idempotent and safe from two workers at once: every change names the state it leaves (moveRows)
// or is guarded in SQL (reminded_at IS NULL), and WeCom checks are claimed with SKIP LOCKED.

import type { Msg, Text } from '../i18n/index.ts';
import { type RawBuilder, sql } from 'kysely';
import { ChannelError, type Connector } from '../channels/port.ts';
import type { ConnectorCache } from '../channels/registry.ts';
import { reconcileChannel } from '../community/reconcile.ts';
import { standingSweep } from '../community/standing/apply.ts';
import { purgeExpiredNonces } from '../channels/wecom/nonces.ts';
import type { WecomConnector } from '../channels/wecom/index.ts';
import { parseSheet } from '../sop/parse.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { sweepCheckins } from './checkin-close.ts';
import { moveRows } from './ledger.ts';
import { confirmationFailedText, missedConfirmationsText, missedTasksText, type NoticeRow, noticeColumns, reminderText } from './notices.ts';
import { FINAL_STATES } from './states.ts';
import { deadlineOf, runTitleOf, runTitleText } from './tasks.ts';

export interface SweepDeps {
  db: Db;
  connectors: ConnectorCache;
  now?: Date;
  log?: (s: string) => void;
  /** How long before a deadline the reminder goes out. Default 15 minutes. */
  remindBeforeMs?: number;
  /** A sheet step's task is missed this long after it was due (or at its deadline if later). Default 24 h. */
  missedAfterMs?: number;
  /** How often one WeCom send is checked again: each check costs two or more WeCom API calls. Default 60 s. */
  recheckMs?: number;
  /** Most WeCom sends checked in one sweep. Default 200. */
  confirmBatch?: number;
  /** How often a WeCom channel's groups are compared with WeCom's list. Default 30 minutes. */
  reconcileEveryMs?: number;
}

export interface SweepResult {
  /** Reminders written for tasks, plus WeCom reminders sent to staff members. */
  reminded: number;
  missed: number;
  confirmed: number;
  confirmationMissed: number;
  confirmationFailed: number;
  completed: number;
  /** Channels whose groups were reconciled in this sweep. */
  reconciled: number;
  /** Check-in windows closed in this sweep. */
  checkinsClosed?: number;
}

const MINUTE = 60_000;
/**
 * Channels whose groups are listed and mended periodically. WeCom: callbacks can be lost. Telegram
 * has no API that lists a bot's groups; a Wechaty puppet's session delivers room events itself.
 */
const RECONCILED_KINDS = ['wecom'];
const BATCH = 5000;
const SWEEP_ACTOR = 'sweep';
/** Rows that will not change by themselves any more: a run with only these is complete. */
const ENDED = [...FINAL_STATES, 'missed', 'failed'];

type Confirming = Connector & Pick<WecomConnector, 'confirmation'> & Partial<Pick<WecomConnector, 'remind' | 'cancel'>>;

interface ContextRow {
  id: number;
  runId: string;
  runState: string;
  assignee: string | null;
  externalTaskId: string | null;
  senderAccount: string | null;
  chatId: string;
  remindedAt: Date | null;
  notice: NoticeRow;
}

interface ContextRaw {
  id: number | string;
  run_id: string;
  run_kind: string;
  run_state: string;
  broadcast_text: string | null;
  sheet_title: string | null;
  assignee: string | null;
  action: string;
  content: LedgerContent | string;
  due_at: Date | string;
  window_minutes: number;
  external_task_id: string | null;
  sender_account: string | null;
  reminded_at: Date | string | null;
  group_name: string;
  chat_id: string;
  zone: string | null;
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const DEADLINE = sql`(l.due_at + l.window_minutes * interval '1 minute')`;

/** Ledger rows with what a notice needs: the group, the run's title, the time zone. */
async function contextRows(db: Db, where: RawBuilder<unknown>[], limit = BATCH): Promise<ContextRow[]> {
  const r = await sql<ContextRaw>`
    SELECT l.id, l.run_id, r.kind AS run_kind, r.state AS run_state, r.broadcast_text, sv.title AS sheet_title, l.assignee, l.action,
           l.content, l.due_at, l.window_minutes, l.external_task_id, l.sender_account, l.reminded_at,
           g.name AS group_name, g.external_id AS chat_id, coalesce(g.timezone, r.timezone) AS zone
    FROM ledger l
    JOIN runs r ON r.id = l.run_id
    JOIN groups g ON g.id = l.group_id
    LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY l.due_at, l.id
    LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => {
    const dueAt = new Date(x.due_at);
    return {
      id: Number(x.id),
      runId: x.run_id,
      runState: x.run_state,
      assignee: x.assignee,
      externalTaskId: x.external_task_id,
      senderAccount: x.sender_account,
      chatId: x.chat_id,
      remindedAt: x.reminded_at ? new Date(x.reminded_at) : null,
      notice: {
        groupName: x.group_name,
        runTitle: runTitleText(x.run_kind, runTitleOf({ kind: x.run_kind, sheetTitle: x.sheet_title, broadcastText: x.broadcast_text, id: x.run_id })),
        action: x.action,
        content: typeof x.content === 'string' ? JSON.parse(x.content) : x.content,
        deadline: deadlineOf({ dueAt, windowMinutes: x.window_minutes }),
        assignee: x.assignee,
        zone: x.zone,
      },
    };
  });
}

/** 1. One reminder per task, to its assignee (to the operators when the group has nobody). */
async function remindTasks(db: Db, now: Date, beforeMs: number): Promise<number> {
  const soon = new Date(now.getTime() + beforeMs);
  const rows = await contextRows(db, [
    sql`l.mode = 'human'`,
    sql`l.state = 'assigned'`,
    sql`l.reminded_at IS NULL`,
    sql`r.state = 'running'`,
    sql`l.due_at <= ${iso(soon)}`,
    sql`${DEADLINE} > ${iso(now)}`,
    sql`${DEADLINE} <= ${iso(soon)}`,
  ]);
  if (!rows.length) return 0;
  return db.transaction().execute(async (trx) => {
    // Only the rows this sweep marked get a reminder: another sweep running now gets none of them.
    const marked = await sql<{ id: number }>`
      UPDATE ledger SET reminded_at = ${iso(now)}
      WHERE id = ANY(${rows.map((r) => r.id)}::bigint[]) AND state = 'assigned' AND reminded_at IS NULL
      RETURNING id`.execute(trx);
    const ids = new Set(marked.rows.map((m) => Number(m.id)));
    const notices = rows
      .filter((r) => ids.has(r.id))
      .map((r) => ({ recipient: r.assignee ?? 'operators', kind: 'reminder', ledger_id: r.id, run_id: r.runId, ...noticeColumns(reminderText(r.notice)) }));
    if (notices.length) await trx.insertInto('notifications').values(notices).execute();
    return notices.length;
  });
}

/**
 * 2. Missed tasks. A broadcast's task is missed at the broadcast's deadline; a sheet step's task
 * `missedAfterMs` after it was due (or at its deadline, if its window is longer), so a task done an
 * hour after a 30-minute window still counts as late rather than missed.
 */
async function markMissedTasks(db: Db, now: Date, afterMs: number): Promise<number> {
  const cutoff = sql`CASE WHEN r.kind = 'broadcast' THEN ${DEADLINE}
    ELSE greatest(${DEADLINE}, l.due_at + ${afterMs}::double precision * interval '1 millisecond') END`;
  const rows = await contextRows(db, [sql`l.mode = 'human'`, sql`l.state = 'assigned'`, sql`r.state = 'running'`, sql`${cutoff} < ${iso(now)}`]);
  if (!rows.length) return 0;
  return db.transaction().execute(async (trx) => {
    const moved = new Set(
      await moveRows(trx, rows.map((r) => r.id), { from: ['assigned'], to: 'missed', actor: SWEEP_ACTOR, note: 'not done by its deadline' }),
    );
    const done = rows.filter((r) => moved.has(r.id));
    await notifyPerRun(trx, done, 'missed', (title, list) => missedTasksText(title, list.map((r) => r.notice)));
    return done.length;
  });
}

/** One notification per run for many rows: a broadcast to 300 groups gives one message, not 300. */
async function notifyPerRun(db: Db, rows: ContextRow[], kind: string, text: (runTitle: Text, rows: ContextRow[]) => Msg): Promise<void> {
  const byRun = new Map<string, ContextRow[]>();
  for (const r of rows) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
  const values = [...byRun].map(([runId, list]) => ({
    recipient: 'operators',
    kind,
    run_id: runId,
    ledger_id: list.length === 1 ? list[0]!.id : null,
    ...noticeColumns(text(list[0]!.notice.runTitle, list)),
  }));
  if (values.length) await db.insertInto('notifications').values(values).execute();
}

/** Claims WeCom sends to check now, so two sweeps never ask WeCom about the same row at once. */
async function claimChecks(db: Db, now: Date, recheckMs: number, limit: number): Promise<number[]> {
  const r = await sql<{ id: number }>`
    WITH picked AS (
      SELECT id FROM ledger
      WHERE state = 'awaiting_confirmation' AND (next_attempt_at IS NULL OR next_attempt_at <= ${iso(now)})
      ORDER BY next_attempt_at NULLS FIRST, due_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    UPDATE ledger SET next_attempt_at = ${iso(new Date(now.getTime() + recheckMs))}
    FROM picked WHERE ledger.id = picked.id
    RETURNING ledger.id`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

interface ConfirmCounts {
  confirmed: number;
  missed: number;
  failed: number;
  reminded: number;
}

/** 3. WeCom sends waiting for a staff member: asked about, settled, reminded or withdrawn. */
async function reconcileConfirmations(deps: Required<Pick<SweepDeps, 'db' | 'connectors' | 'log'>>, now: Date, o: { beforeMs: number; recheckMs: number; batch: number }): Promise<ConfirmCounts> {
  const { db, log } = deps;
  const counts: ConfirmCounts = { confirmed: 0, missed: 0, failed: 0, reminded: 0 };
  // next_attempt_at is free while a row waits for confirmation: it holds when to check it again.
  const ids = await claimChecks(db, now, o.recheckMs, o.batch);
  if (!ids.length) return counts;
  const rows = await contextRows(db, [sql`l.id = ANY(${ids}::bigint[])`, sql`l.state = 'awaiting_confirmation'`]);
  const missed: ContextRow[] = [];
  for (const row of rows) {
    const where = `send ${row.id} to group "${row.notice.groupName}"`;
    if (!row.externalTaskId || !row.senderAccount) {
      log(`${where}: waits for confirmation but has no platform task to follow; an operator must check it`);
      continue;
    }
    let connector: Connector;
    try {
      connector = await deps.connectors.get(row.senderAccount);
    } catch (e) {
      log(`${where}: its channel could not be opened: ${(e as Error).message}`);
      continue;
    }
    if (!('confirmation' in connector)) {
      log(`${where}: its channel (${connector.kind}) cannot report confirmations; an operator must check it`);
      continue;
    }
    const c = connector as Confirming;
    let answer: Awaited<ReturnType<Confirming['confirmation']>>;
    try {
      answer = await c.confirmation(row.externalTaskId, row.chatId);
    } catch (e) {
      // Checked again at the next sweep; a row is never settled on a failed look-up.
      log(`${where}: WeCom could not be asked: ${(e as Error).message}`);
      continue;
    }
    const deadline = row.notice.deadline;
    if (answer.state === 'sent') {
      const at = answer.sentAt ?? now;
      const moved = await moveRows(db, [row.id], {
        from: ['awaiting_confirmation'],
        to: 'sent',
        actor: SWEEP_ACTOR,
        note: 'the staff member sent it in the WeCom client',
        set: { executed_by: 'bot', executed_at: at, on_time: at <= deadline, last_error: null, next_attempt_at: null },
      });
      counts.confirmed += moved.length;
    } else if (answer.state === 'failed') {
      await db.transaction().execute(async (trx) => {
        const moved = await moveRows(trx, [row.id], { from: ['awaiting_confirmation'], to: 'failed', actor: SWEEP_ACTOR, set: { last_error: answer.reason ?? 'WeCom did not send it', next_attempt_at: null } });
        if (!moved.length) return;
        counts.failed++;
        await trx
          .insertInto('notifications')
          .values({ recipient: 'operators', kind: 'failed', ledger_id: row.id, run_id: row.runId, ...noticeColumns(confirmationFailedText(row.notice.runTitle, row.notice.groupName, answer.reason)) })
          .execute();
      });
    } else if (row.runState === 'cancelled') {
      const moved = await moveRows(db, [row.id], { from: ['awaiting_confirmation'], to: 'cancelled', actor: SWEEP_ACTOR, note: 'its run was cancelled before the staff member sent it', set: { next_attempt_at: null } });
      if (moved.length) await withdraw(c, row, log);
    } else if (now > deadline) {
      const moved = await moveRows(db, [row.id], { from: ['awaiting_confirmation'], to: 'missed', actor: SWEEP_ACTOR, note: 'the staff member did not send it before the deadline', set: { next_attempt_at: null } });
      if (!moved.length) continue;
      counts.missed++;
      missed.push(row);
      // After the deadline a late send would surprise everyone: withdraw the WeCom task.
      await withdraw(c, row, log);
    } else if (!row.remindedAt && deadline.getTime() - now.getTime() <= o.beforeMs && c.remind) {
      if (await remindStaff(db, c, row, now, log)) counts.reminded++;
    }
  }
  await notifyPerRun(db, missed, 'missed', (title, list) => missedConfirmationsText(title, list.map((r) => r.notice)));
  return counts;
}

async function withdraw(c: Confirming, row: ContextRow, log: (s: string) => void): Promise<void> {
  if (!c.cancel || !row.externalTaskId) return;
  try {
    await c.cancel(row.externalTaskId);
  } catch (e) {
    log(`send ${row.id} to group "${row.notice.groupName}": WeCom would not withdraw it: ${(e as Error).message}`);
  }
}

/** WeCom allows three reminders per mass message a day: one is sent, marked first so two sweeps cannot both send it. */
async function remindStaff(db: Db, c: Confirming, row: ContextRow, now: Date, log: (s: string) => void): Promise<boolean> {
  const mark = await sql<{ id: number }>`
    UPDATE ledger SET reminded_at = ${iso(now)} WHERE id = ${row.id} AND state = 'awaiting_confirmation' AND reminded_at IS NULL RETURNING id`.execute(db);
  if (!mark.rows.length) return false;
  try {
    await c.remind!(row.externalTaskId!);
    return true;
  } catch (e) {
    log(`send ${row.id} to group "${row.notice.groupName}": WeCom would not remind the staff member: ${(e as Error).message}`);
    // A network or rate-limit failure may be tried again at the next sweep; a refusal is final.
    if (e instanceof ChannelError && (e.kind === 'transient' || e.kind === 'rate_limited')) {
      await sql`UPDATE ledger SET reminded_at = NULL WHERE id = ${row.id} AND reminded_at = ${iso(now)}`.execute(db);
    }
    return false;
  }
}

const eventSheets = new Map<string, boolean>();

/** Sheets with event-triggered steps (`on: member_join`) keep their runs open: new members bring new rows. */
async function hasEventSteps(db: Db, sheetId: string, version: number): Promise<boolean> {
  const key = `${sheetId}@${version}`;
  let known = eventSheets.get(key);
  if (known === undefined) {
    const v = await db.selectFrom('sheet_versions').select('yaml').where('sheet_id', '=', sheetId).where('version', '=', version).executeTakeFirst();
    try {
      known = v ? parseSheet(v.yaml, key).sheet.steps.some((s) => s.when.kind === 'event') : false;
    } catch {
      known = true; // unreadable: leave the run as it is rather than closing it
    }
    eventSheets.set(key, known);
  }
  return known;
}

/** 4. Running runs and broadcasts whose every row has ended (sent, done, missed, failed, …). */
async function completeRuns(db: Db, now: Date): Promise<number> {
  const ended = sql`NOT EXISTS (SELECT 1 FROM ledger l WHERE l.run_id = runs.id AND l.state <> ALL(${ENDED}::text[]))`;
  const candidates = await sql<{ id: string; kind: string; sheet_id: string | null; sheet_version: number | null }>`
    SELECT id, kind, sheet_id, sheet_version FROM runs
    WHERE state = 'running' AND ${ended} AND EXISTS (SELECT 1 FROM ledger l WHERE l.run_id = runs.id)`.execute(db);
  const ids: string[] = [];
  for (const c of candidates.rows) {
    if (c.kind === 'run' && c.sheet_id && c.sheet_version !== null && (await hasEventSteps(db, c.sheet_id, c.sheet_version))) continue;
    ids.push(c.id);
  }
  if (!ids.length) return 0;
  // Checked again in the update: a row created meanwhile (a re-plan) keeps the run running.
  const r = await sql<{ id: string }>`
    UPDATE runs SET state = 'completed', updated_at = ${iso(now)}
    WHERE id = ANY(${ids}::text[]) AND state = 'running' AND ${ended}
    RETURNING id`.execute(db);
  return r.rows.length;
}

/** Claims the channels due for reconciliation (one process wins each) and reconciles them. */
async function reconcileDue(deps: SweepDeps, now: Date, everyMs: number, log: (s: string) => void): Promise<number> {
  const claimed = await sql<{ id: string }>`
    UPDATE channels SET reconciled_at = ${iso(now)}
    WHERE kind = ANY(${RECONCILED_KINDS}::text[]) AND status = 'active'
      AND (reconciled_at IS NULL OR reconciled_at <= ${iso(new Date(now.getTime() - everyMs))})
    RETURNING id`.execute(deps.db);
  let done = 0;
  for (const { id } of claimed.rows) {
    try {
      await reconcileChannel({ db: deps.db, log, now }, id, await deps.connectors.get(id));
      done++;
    } catch (e) {
      log(`reconciling the groups of channel ${id} failed: ${(e as Error).message}`);
    }
  }
  return done;
}

export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now ?? new Date();
  const log = deps.log ?? (() => {});
  const beforeMs = deps.remindBeforeMs ?? 15 * MINUTE;
  const result: SweepResult = { reminded: 0, missed: 0, confirmed: 0, confirmationMissed: 0, confirmationFailed: 0, completed: 0, reconciled: 0 };
  const failures: Error[] = [];
  // Each part runs even when another failed; the first failure is raised at the end for the worker's log.
  const part = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      log(`sweep: ${name} failed: ${(e as Error).message}`);
      failures.push(e as Error);
    }
  };
  await part('reminders', async () => {
    result.reminded += await remindTasks(deps.db, now, beforeMs);
  });
  await part('missed tasks', async () => {
    result.missed = await markMissedTasks(deps.db, now, deps.missedAfterMs ?? 24 * 60 * MINUTE);
  });
  await part('WeCom confirmations', async () => {
    const c = await reconcileConfirmations({ db: deps.db, connectors: deps.connectors, log }, now, {
      beforeMs,
      recheckMs: deps.recheckMs ?? MINUTE,
      batch: deps.confirmBatch ?? 200,
    });
    result.confirmed = c.confirmed;
    result.confirmationMissed = c.missed;
    result.confirmationFailed = c.failed;
    result.reminded += c.reminded;
  });
  await part('completing runs', async () => {
    result.completed = await completeRuns(deps.db, now);
  });
  await part('check-ins', async () => {
    result.checkinsClosed = (await sweepCheckins({ db: deps.db, log }, now)).closed;
  });
  await part('reconciling groups', async () => {
    result.reconciled = await reconcileDue(deps, now, deps.reconcileEveryMs ?? 30 * MINUTE, log);
  });
  await part('expired WeCom nonces', async () => {
    await purgeExpiredNonces(deps.db, now);
  });
  // The people rules' daily recompute (invites that stayed, time-based tags) and weekly demotion.
  await part('people standing', async () => {
    const ran = await standingSweep(deps.db, now);
    if (ran) log(`sweep: people standing, ${ran} run done`);
  });
  if (failures.length) throw failures[0];
  return result;
}
