// The queries behind `GET /api/overview`; src/run/overview.ts decides what the rows mean. Every
// ledger query is an index range scan (migration 009: open rows by due time, rows that need a
// person by their last change; ledger_run for the counts of the runs in progress), never a scan
// of the whole ledger. A leader's overview covers only the groups they lead.

import { type RawBuilder, sql } from 'kysely';
import { buildOverview, type Overview, type OverviewChannel, type OverviewDying, type OverviewRow, type OverviewRunInput } from '../../run/overview.ts';
import { runTitleOf } from '../../run/tasks.ts';
import type { Db } from '../../store/db.ts';
import { leaderGroupIds } from './scope.ts';

/** Rows read per query at most; a section that reaches it says so (`capped`). */
const CAP = 500;
/** Missed tasks stay on the overview this long (they cannot be sent any more, only noted). */
const MISSED_HOURS = 24;
const RUNS_SHOWN = 20;

interface RowRaw {
  id: number | string;
  run_id: string;
  run_kind: string;
  run_state: string;
  sheet_title: string | null;
  broadcast_text: string | null;
  group_id: string;
  group_name: string;
  step_id: string;
  action: string;
  mode: string;
  assignee: string | null;
  due_at: Date | string;
  window_minutes: number;
  state: string;
  content: unknown;
  last_error: string | null;
  updated_at: Date | string;
}

function toRow(r: RowRaw): OverviewRow {
  const content = (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as { text?: string } | null;
  return {
    id: Number(r.id),
    runId: r.run_id,
    runTitle: runTitleOf({ kind: r.run_kind, sheetTitle: r.sheet_title, broadcastText: r.broadcast_text, id: r.run_id }),
    runState: r.run_state,
    groupId: r.group_id,
    groupName: r.group_name,
    step: r.step_id,
    action: r.action,
    mode: r.mode,
    assignee: r.assignee,
    due: new Date(r.due_at),
    windowMinutes: Number(r.window_minutes),
    state: r.state,
    text: content?.text ?? '',
    lastError: r.last_error,
    updatedAt: new Date(r.updated_at),
  };
}

const ROW_COLUMNS = sql`l.id, l.run_id, r.kind AS run_kind, r.state AS run_state, sv.title AS sheet_title, r.broadcast_text,
  l.group_id, g.name AS group_name, l.step_id, l.action, l.mode, l.assignee, l.due_at, l.window_minutes, l.state, l.content,
  l.last_error, l.updated_at`;
const ROW_JOINS = sql`JOIN runs r ON r.id = l.run_id
  JOIN groups g ON g.id = l.group_id
  LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version`;
// Written out (not parameters), so that the planner matches the partial indexes of migration 009.
const OPEN = sql.raw(`l.state IN ('planned', 'due', 'retry_wait', 'assigned')`);
const PROBLEM = sql.raw(`l.state IN ('failed', 'missed', 'unconfirmed', 'awaiting_confirmation')`);

async function rows(db: Db, where: RawBuilder<unknown>, order: RawBuilder<unknown>): Promise<OverviewRow[]> {
  const r = await sql<RowRaw>`SELECT ${ROW_COLUMNS} FROM ledger l ${ROW_JOINS} WHERE ${where} ORDER BY ${order} LIMIT ${CAP}`.execute(db);
  return r.rows.map(toRow);
}

/** Dying groups shown on the Overview; the total counts them all. */
const DYING_SHOWN = 8;

/** The active groups the health sweep last judged `dying` (group_health), a leader's own only. */
async function dyingGroups(db: Db, groupIds: string[] | undefined): Promise<OverviewDying> {
  const only = groupIds ? sql`AND g.id = ANY(${groupIds}::text[])` : sql``;
  const r = await sql<{ id: string; name: string; score: number; changed_at: Date | string; total: number }>`
    SELECT g.id, g.name, h.score, h.changed_at, count(*) OVER ()::int AS total
    FROM group_health h JOIN groups g ON g.id = h.group_id
    WHERE h.status = 'dying' AND g.status = 'active' ${only}
    ORDER BY h.score, g.name LIMIT ${DYING_SHOWN}`.execute(db);
  return {
    total: Number(r.rows[0]?.total ?? 0),
    groups: r.rows.map((x) => ({ id: x.id, name: x.name, score: Number(x.score), since: new Date(x.changed_at).toISOString() })),
  };
}

export async function loadOverview(db: Db, opts: { now: Date; hours: number; leader?: string }): Promise<Overview & { capped: boolean; dying: OverviewDying }> {
  const { now, hours } = opts;
  const groupIds = opts.leader === undefined ? undefined : await leaderGroupIds(db, opts.leader);
  const inGroups = (col: RawBuilder<unknown>) => (groupIds ? sql`AND ${col} = ANY(${groupIds}::text[])` : sql``);
  const horizon = new Date(now.getTime() + hours * 3_600_000);
  const recent = new Date(now.getTime() - 10 * 60_000);
  const missedSince = new Date(now.getTime() - MISSED_HOURS * 3_600_000);

  // Open rows: those already past their due time (late, the oldest first), and the coming ones.
  const past = await rows(db, sql`${OPEN} AND l.due_at < ${now} AND l.occurrence > 0 AND r.state = 'running' ${inGroups(sql`l.group_id`)}`, sql`l.due_at, l.id`);
  const coming = await rows(
    db,
    sql`${OPEN} AND l.due_at >= ${recent} AND l.due_at < ${horizon} AND l.occurrence > 0 AND r.state = 'running' ${inGroups(sql`l.group_id`)}`,
    sql`l.due_at, l.id`,
  );
  const seen = new Set(past.map((r) => r.id));
  const open = [...past, ...coming.filter((r) => !seen.has(r.id))];

  // Rows that need a person: failed and unconfirmed until someone decides, missed for a day.
  const problemWhere = sql`${PROBLEM} AND l.occurrence > 0 AND r.state <> 'cancelled' AND (l.state <> 'missed' OR l.updated_at >= ${missedSince}) ${inGroups(sql`l.group_id`)}`;
  const problems = await rows(db, problemWhere, sql`l.updated_at DESC, l.id DESC`);
  const totals = await sql<{ state: string; n: number }>`
    SELECT l.state, count(*)::int AS n FROM ledger l JOIN runs r ON r.id = l.run_id WHERE ${problemWhere} GROUP BY l.state`.execute(db);
  const total = (state: string) => Number(totals.rows.find((t) => t.state === state)?.n ?? 0);

  return {
    ...buildOverview({
      now,
      hours,
      open,
      problems,
      totals: { missed: total('missed'), failed: total('failed'), unconfirmed: total('unconfirmed') + total('awaiting_confirmation') },
      channels: await channelsNeedingAttention(db, groupIds),
      runs: await runsInProgress(db, groupIds),
    }),
    capped: past.length === CAP || coming.length === CAP,
    dying: await dyingGroups(db, groupIds),
  };
}

/** Every channel (a handful), with its unreachable groups; buildOverview keeps those to look at. */
async function channelsNeedingAttention(db: Db, groupIds: string[] | undefined): Promise<OverviewChannel[]> {
  const only = groupIds ? sql`AND g.id = ANY(${groupIds}::text[])` : sql``;
  const r = await sql<{ id: string; name: string; kind: string; status: string; status_reason: string | null; lost: number; mine: number }>`
    SELECT c.id, c.name, c.kind, c.status, c.status_reason,
      (SELECT count(*) FROM groups g WHERE g.channel_id = c.id AND g.status = 'access_lost' ${only})::int AS lost,
      (SELECT count(*) FROM groups g WHERE g.channel_id = c.id ${only})::int AS mine
    FROM channels c`.execute(db);
  return r.rows
    .filter((c) => !groupIds || Number(c.mine) > 0)
    .map((c) => ({ id: c.id, name: c.name, kind: c.kind, status: c.status, reason: c.status_reason, groupsLost: Number(c.lost) }));
}

async function runsInProgress(db: Db, groupIds: string[] | undefined): Promise<OverviewRunInput[]> {
  const mine = groupIds ? sql`AND EXISTS (SELECT 1 FROM run_groups x WHERE x.run_id = r.id AND x.group_id = ANY(${groupIds}::text[]))` : sql``;
  const groupFilter = groupIds ? sql`AND rg.group_id = ANY(${groupIds}::text[])` : sql``;
  const runs = await sql<{
    id: string;
    kind: string;
    state: string;
    sheet_id: string | null;
    sheet_version: number | null;
    sheet_title: string | null;
    broadcast_text: string | null;
    anchor: Date | string | null;
    created_at: Date | string;
    groups: number;
  }>`
    SELECT r.id, r.kind, r.state, r.sheet_id, r.sheet_version, sv.title AS sheet_title, r.broadcast_text, r.anchor, r.created_at,
      (SELECT count(*) FROM run_groups rg WHERE rg.run_id = r.id ${groupFilter})::int AS groups
    FROM runs r LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE r.state IN ('running', 'paused') ${mine}
    ORDER BY r.created_at DESC, r.id LIMIT ${RUNS_SHOWN}`.execute(db);
  const ids = runs.rows.map((r) => r.id);
  const counts = new Map<string, Record<string, number>>();
  if (ids.length) {
    const cellFilter = groupIds ? sql`AND group_id = ANY(${groupIds}::text[])` : sql``;
    const c = await sql<{ run_id: string; state: string; n: number }>`
      SELECT run_id, state, count(*)::int AS n FROM ledger
      WHERE run_id = ANY(${ids}::text[]) AND occurrence > 0 ${cellFilter} GROUP BY run_id, state`.execute(db);
    for (const r of c.rows) counts.set(r.run_id, { ...counts.get(r.run_id), [r.state]: Number(r.n) });
  }
  return runs.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: runTitleOf({ kind: r.kind, sheetTitle: r.sheet_title, broadcastText: r.broadcast_text, id: r.id }),
    state: r.state,
    sheet: r.sheet_id ? { id: r.sheet_id, version: r.sheet_version ?? 0, title: r.sheet_title ?? r.sheet_id } : null,
    anchor: r.anchor ? new Date(r.anchor) : null,
    createdAt: new Date(r.created_at),
    groups: Number(r.groups),
    counts: counts.get(r.id) ?? {},
  }));
}
