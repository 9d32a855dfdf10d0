// The execution ledger's SQL: bulk creation, claiming due rows, and state transitions that keep
// their history. Every transition names the states it may leave, so two workers (or a worker and
// an operator) can never both move one row.

import { sql } from 'kysely';
import { jsonLines } from '../store/bulk.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { canMove, type LedgerState } from './states.ts';

export interface NewLedgerRow {
  groupId: string;
  stepId: string;
  occurrence: number;
  memberId?: string;
  action: string;
  mode: 'bot' | 'human';
  executor: string;
  assignee: string | null;
  senderAccount: string | null;
  dueAt: Date;
  windowMinutes: number;
  content: LedgerContent;
  /** The variant of a step with `variants:` whose text `content.text` is (docs/sop-format.md, "Variants"). */
  variant?: string;
  /**
   * Where the row starts when not the default (planned for bot rows, assigned for people): an
   * audience expansion creates rows already `sent` (a tag Chorus applied itself) or `failed` (a
   * member without the attribute the text needs), with `lastError` saying why.
   */
  state?: 'planned' | 'assigned' | 'sent' | 'failed' | 'skipped';
  lastError?: string;
}

export interface LedgerRow {
  id: number;
  runId: string;
  groupId: string;
  stepId: string;
  occurrence: number;
  memberId: string;
  action: string;
  mode: 'bot' | 'human';
  executor: string;
  assignee: string | null;
  senderAccount: string | null;
  dueAt: Date;
  windowMinutes: number;
  content: LedgerContent;
  /** The variant this row sends, for a step with `variants:`. */
  variant?: string;
  state: LedgerState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  platformMessageId: string | null;
  externalTaskId: string | null;
  claimedBy: string | null;
  executedBy: string | null;
  executedAt: Date | null;
  onTime: boolean | null;
}

const CHUNK = 5000;

/** The columns a new row fills, with their SQL types and how each is read from a row. */
const COLUMNS: readonly [name: string, type: string, value: (r: NewLedgerRow) => string | number | null][] = [
  ['group_id', 'text', (r) => r.groupId],
  ['step_id', 'text', (r) => r.stepId],
  ['occurrence', 'int', (r) => r.occurrence],
  ['member_id', 'text', (r) => r.memberId ?? ''],
  ['action', 'text', (r) => r.action],
  ['mode', 'text', (r) => r.mode],
  ['executor', 'text', (r) => r.executor],
  ['assignee', 'text', (r) => r.assignee],
  ['sender_account', 'text', (r) => r.senderAccount],
  ['due_at', 'timestamptz', (r) => r.dueAt.getTime()],
  ['window_minutes', 'int', (r) => r.windowMinutes],
  ['state', 'text', (r) => r.state ?? (r.mode === 'bot' ? 'planned' : 'assigned')],
  ['last_error', 'text', (r) => r.lastError ?? null],
  ['variant', 'text', (r) => r.variant ?? null],
];

/**
 * Creates ledger rows in chunks of one multi-row INSERT … SELECT each, the fastest portable bulk
 * path on both engines. Rows start `planned` (bot) or `assigned` (human); creation itself is not a
 * history entry — the history starts with the first transition. Existing rows (same run, group,
 * step, occurrence, member) are left alone, so re-running creation is harmless.
 *
 * How the values travel matters on PGlite, where a parameter is text the engine parses: a column
 * with one value in the whole chunk (the group, step and due time of an expansion) is sent once;
 * the others as arrays (unnest); the contents as one text of JSON lines (JSON never holds a raw
 * line break), which parses about five times faster than a jsonb[] whose every quote is escaped.
 *
 * `fresh`: the caller has made sure none of the rows exists (and holds the lock that keeps it so):
 * a plain INSERT, without the conflict check's speculative insertion — on PGlite it costs about
 * a third less per row. A row that does exist then fails the whole statement.
 */
export async function insertLedger(db: Db, runId: string, rows: NewLedgerRow[], opts: { fresh?: boolean } = {}): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const values = [];
    const arrays = [];
    for (const [name, type, value] of COLUMNS) {
      const first = value(part[0]);
      const same = part.every((r) => value(r) === first);
      // Times are compared as numbers and sent as ISO text.
      const text = type === 'timestamptz' ? (v: string | number | null) => new Date(v as number).toISOString() : (v: string | number | null) => v;
      if (same) values.push(sql`${text(first)}::${sql.raw(type)}`);
      else {
        arrays.push({ name, array: sql`${part.map((r) => text(value(r)))}::${sql.raw(type)}[]` });
        values.push(sql.ref(`u.${name}`));
      }
    }
    const r = await sql<{ n: number }>`
      WITH ins AS (
        INSERT INTO ledger (run_id, ${sql.join(COLUMNS.map(([name]) => sql.ref(name)))}, content)
        SELECT ${runId}, ${sql.join(values)}, u.content::jsonb
          FROM unnest(${sql.join([...arrays.map((a) => a.array), jsonLines(part.map((r) => r.content))])})
            AS u(${sql.join([...arrays.map((a) => sql.ref(a.name)), sql.ref('content')])})
        ${opts.fresh ? sql`` : sql`ON CONFLICT (run_id, group_id, step_id, occurrence, member_id) DO NOTHING`}
        RETURNING 1)
      SELECT count(*)::int AS n FROM ins`.execute(db);
    inserted += r.rows[0]?.n ?? 0;
  }
  return inserted;
}

export interface Move {
  /** The states the rows may be in; rows in any other state are left alone. */
  from: readonly LedgerState[];
  to: LedgerState;
  actor?: string;
  note?: string;
  set?: Partial<{
    last_error: string | null;
    platform_message_id: string | null;
    external_task_id: string | null;
    claimed_by: string | null;
    executed_by: string | null;
    executed_at: Date | null;
    on_time: boolean | null;
    next_attempt_at: Date | null;
    due_at: Date;
    reminded_at: Date | null;
    /** What the action returned, as JSON text. */
    result: string | null;
    mode: 'bot' | 'human';
    executor: string;
    assignee: string | null;
    /** Stored as jsonb. */
    content: LedgerContent;
  }>;
  /** Count one more attempt (when a send is started). */
  attempt?: boolean;
}

/** Moves rows and records each change in ledger_history; returns the ids that moved. */
export async function moveRows(db: Db, ids: readonly number[], move: Move): Promise<number[]> {
  if (!ids.length) return [];
  for (const f of move.from) {
    if (!canMove(f, move.to)) throw new Error(`ledger: ${f} → ${move.to} is not a valid transition`);
  }
  const sets = [sql`state = ${move.to}`, sql`updated_at = clock_timestamp()`];
  for (const [col, value] of Object.entries(move.set ?? {})) {
    if (col === 'content') sets.push(sql`content = ${JSON.stringify(value)}::jsonb`);
    else sets.push(sql`${sql.ref(col)} = ${value instanceof Date ? value.toISOString() : value}`);
  }
  if (move.attempt) sets.push(sql`attempts = ledger.attempts + 1`);
  const r = await sql<{ id: number }>`
    WITH old AS (
      SELECT id, state FROM ledger WHERE id = ANY(${ids}::bigint[]) AND state = ANY(${[...move.from]}::text[]) FOR UPDATE),
    upd AS (
      UPDATE ledger SET ${sql.join(sets)} FROM old WHERE ledger.id = old.id RETURNING ledger.id, old.state AS from_state),
    hist AS (
      INSERT INTO ledger_history (ledger_id, from_state, to_state, actor, note)
      SELECT id, from_state, ${move.to}, ${move.actor ?? null}, ${move.note ?? null} FROM upd)
    SELECT id FROM upd`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

export async function moveRow(db: Db, id: number, move: Move): Promise<boolean> {
  return (await moveRows(db, [id], move)).length === 1;
}

export interface ClaimScope {
  /** Sender accounts this worker must leave alone (sessionChannelsElsewhere); none by default. */
  exclude?: readonly string[];
}

/** Nothing when no account is excluded, so the common case keeps its plan (the partial indexes). */
function scopeRule(scope: ClaimScope) {
  return scope.exclude?.length ? sql`AND (l.sender_account IS NULL OR l.sender_account <> ALL(${[...scope.exclude]}::text[]))` : sql``;
}

/**
 * The channels whose sends need the login their receiver holds (Wechaty: one session per WeChat
 * account) and whose receiver lease `holder` does not hold: a worker leaves their rows to the
 * worker in the process holding the lease. Without a holder (a standalone worker), all of them.
 */
export async function sessionChannelsElsewhere(db: Db, holder?: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    SELECT c.id FROM channels c WHERE c.kind = 'wechaty'
      AND NOT EXISTS (SELECT 1 FROM receiver_leases rl WHERE rl.channel_id = c.id AND rl.holder = ${holder ?? ''} AND rl.expires_at > now())`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * A placeholder group (a group a run creates, not on the platform yet) holds its rows back until
 * it is bound to the real group — all but its `create_group` (docs/growth-lead-groups.md).
 */
const NOT_WAITING_FOR_GROUP = sql`AND (l.action = 'create_group' OR NOT EXISTS (SELECT 1 FROM groups pg WHERE pg.id = l.group_id AND pg.status = 'pending'))`;

/**
 * Claims bot rows whose time has come (planned and due, or waiting for a retry) in running runs,
 * earliest first, skipping rows another worker holds and rows of a group not created yet.
 */
export async function claimDue(db: Db, workerId: string, limit: number, scope: ClaimScope = {}): Promise<LedgerRow[]> {
  const r = await sql<RawLedger>`
    WITH picked AS (
      SELECT l.id, l.state FROM ledger l JOIN runs r ON r.id = l.run_id
      WHERE r.state = 'running' AND l.mode = 'bot'
        AND ((l.state = 'planned' AND l.due_at <= now()) OR (l.state = 'retry_wait' AND l.next_attempt_at <= now()))
        ${scopeRule(scope)} ${NOT_WAITING_FOR_GROUP}
      ORDER BY l.due_at, l.id
      LIMIT ${limit}
      FOR UPDATE OF l SKIP LOCKED),
    upd AS (
      UPDATE ledger SET state = 'due', claimed_by = ${workerId}, updated_at = clock_timestamp()
      FROM picked WHERE ledger.id = picked.id RETURNING ledger.*, picked.state AS from_state),
    hist AS (
      INSERT INTO ledger_history (ledger_id, from_state, to_state, actor)
      SELECT id, from_state, 'due', ${workerId} FROM upd)
    SELECT * FROM upd ORDER BY due_at, id`.execute(db);
  return r.rows.map(toLedgerRow);
}

/**
 * When the next bot row becomes due (planned or retry), for the worker's timer. Asked after nearly
 * every claim, so it must not read the whole ledger: ORDER BY … LIMIT 1 walks the partial indexes
 * ledger_due / ledger_retry and stops at the first row of a running run (min() with the join made
 * PostgreSQL scan every planned row: 35 ms at 100,000 rows, against 1.5 ms).
 */
export async function nextDueAt(db: Db, scope: ClaimScope = {}): Promise<Date | undefined> {
  // The same scope as claimDue: a row this worker may not claim must not wake it.
  const r = await sql<{ at: Date | null }>`
    SELECT least(
      (SELECT l.due_at FROM ledger l JOIN runs r ON r.id = l.run_id
       WHERE l.state = 'planned' AND l.mode = 'bot' AND r.state = 'running' ${scopeRule(scope)} ${NOT_WAITING_FOR_GROUP} ORDER BY l.due_at LIMIT 1),
      (SELECT l.next_attempt_at FROM ledger l JOIN runs r ON r.id = l.run_id
       WHERE l.state = 'retry_wait' AND r.state = 'running' ${scopeRule(scope)} ${NOT_WAITING_FOR_GROUP} ORDER BY l.next_attempt_at LIMIT 1)
    ) AS at`.execute(db);
  const at = r.rows[0]?.at;
  return at ? new Date(at) : undefined;
}

export async function getLedgerRows(db: Db, ids: readonly number[]): Promise<LedgerRow[]> {
  if (!ids.length) return [];
  const r = await sql<RawLedger>`SELECT * FROM ledger WHERE id = ANY(${ids}::bigint[]) ORDER BY due_at, id`.execute(db);
  return r.rows.map(toLedgerRow);
}

export interface RawLedger {
  id: number | string;
  run_id: string;
  group_id: string;
  step_id: string;
  occurrence: number;
  member_id: string;
  action: string;
  mode: string;
  executor: string;
  assignee: string | null;
  sender_account: string | null;
  due_at: Date | string;
  window_minutes: number;
  content: LedgerContent | string;
  variant?: string | null;
  state: string;
  attempts: number;
  next_attempt_at: Date | string | null;
  last_error: string | null;
  platform_message_id: string | null;
  external_task_id: string | null;
  claimed_by: string | null;
  executed_by: string | null;
  executed_at: Date | string | null;
  on_time: boolean | null;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function toLedgerRow(r: RawLedger): LedgerRow {
  return {
    id: Number(r.id),
    runId: r.run_id,
    groupId: r.group_id,
    stepId: r.step_id,
    occurrence: r.occurrence,
    memberId: r.member_id,
    action: r.action,
    mode: r.mode as 'bot' | 'human',
    executor: r.executor,
    assignee: r.assignee,
    senderAccount: r.sender_account,
    dueAt: new Date(r.due_at),
    windowMinutes: r.window_minutes,
    content: typeof r.content === 'string' ? JSON.parse(r.content) : r.content,
    ...(r.variant ? { variant: r.variant } : {}),
    state: r.state as LedgerState,
    attempts: r.attempts,
    nextAttemptAt: date(r.next_attempt_at),
    lastError: r.last_error,
    platformMessageId: r.platform_message_id,
    externalTaskId: r.external_task_id,
    claimedBy: r.claimed_by,
    executedBy: r.executed_by,
    executedAt: date(r.executed_at),
    onTime: r.on_time,
  };
}

export async function countsByState(db: Db, runId: string, groupIds?: readonly string[]): Promise<Record<string, number>> {
  let q = db
    .selectFrom('ledger')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId);
  if (groupIds) q = q.where('group_id', 'in', groupIds.length ? [...groupIds] : ['']);
  const rows = await q.groupBy('state').execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export async function ledgerHistory(db: Db, ledgerId: number) {
  return db.selectFrom('ledger_history').selectAll().where('ledger_id', '=', ledgerId).orderBy('id').execute();
}
