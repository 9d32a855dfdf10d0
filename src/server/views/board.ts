// The run board: groups × steps, each cell a ledger row's state. Built for 500 groups × 40 steps
// in one request: one read of the run's group rows, nothing looked up per row, and cells as
// compact arrays [groupIndex, stepIndex, state, ledgerId] instead of objects.
// Member-triggered rows (one per member) are not cells: the board shows the group's own steps.

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ATTENTION_STATES } from '../../run/states.ts';
import { runTitleOf } from '../../run/tasks.ts';
import type { Db } from '../../store/db.ts';

export type Cell = [groupIndex: number, stepIndex: number, state: string, ledgerId: number];

export interface Board {
  run: { id: string; kind: string; title: string; state: string; sheet?: { id: string; version: number }; anchor?: string; timezone: string; deadline?: string };
  /** Ordered by the step's earliest due time; `due` is that earliest time (groups may differ by time zone). */
  steps: { key: string; step: string; occurrence: number; due: string; action: string; executor: string }[];
  groups: { id: string; name: string; leader: string | null; channelKind: string; timezone: string }[];
  cells: Cell[];
  /** Per state, over every cell the caller may see (before the attention filter). */
  counts: Record<string, number>;
}

/**
 * The board as JSON text. PostgreSQL numbers the groups and steps and writes the 20,000 cells
 * of a 500 × 40 board as JSON itself, so Node only glues a few strings together: building that
 * many arrays in Node and serializing them again cost ~30 ms of CPU per request (and the garbage
 * collector more), which made concurrent board requests queue on a busy server.
 * `groupIds`: only these groups (a leader's); `attention`: only groups with a failed, missed or
 * unconfirmed cell.
 */
export async function runBoardJson(db: Db, runId: string, opts: { groupIds?: string[]; attention?: boolean } = {}): Promise<string | undefined> {
  const run = await db
    .selectFrom('runs')
    .leftJoin('sheet_versions', (j) => j.onRef('sheet_versions.sheet_id', '=', 'runs.sheet_id').onRef('sheet_versions.version', '=', 'runs.sheet_version'))
    .select(['runs.id', 'runs.kind', 'runs.state', 'runs.sheet_id', 'runs.sheet_version', 'runs.anchor', 'runs.timezone', 'runs.deadline', 'runs.broadcast_text', 'sheet_versions.title'])
    .where('runs.id', '=', runId)
    .executeTakeFirst();
  if (!run) return undefined;
  const zone = run.timezone ?? 'UTC';
  const only = opts.groupIds;
  const cellFilter = only ? sql`AND group_id = ANY(${only}::text[])` : sql``;
  const groupFilter = only ? sql`AND rg.group_id = ANY(${only}::text[])` : sql``;
  const attentionFilter = opts.attention
    ? sql`AND EXISTS (SELECT 1 FROM c WHERE c.group_id = rg.group_id AND c.state = ANY(${[...ATTENTION_STATES]}::text[]))`
    : sql``;
  // Steps in the order of their earliest due time (then id and occurrence, byte order, as the
  // console sorts); groups in run order. Both numbered from 0, as the cells refer to them.
  const r = await sql<{ steps: string | null; groups: string | null; cells: string | null; counts: string | null }>`
    WITH c AS MATERIALIZED (
      SELECT group_id, step_id, occurrence, state, id, due_at, action, executor
      FROM ledger
      WHERE run_id = ${runId} AND occurrence > 0 AND member_id = '' ${cellFilter}),
    s AS (
      SELECT step_id, occurrence, min(due_at) AS due, min(action) AS action, min(executor) AS executor,
             row_number() OVER (ORDER BY min(due_at), step_id COLLATE "C", occurrence) - 1 AS si
      FROM c GROUP BY step_id, occurrence),
    g AS (
      SELECT gr.id, gr.name, gr.leader, ch.kind AS channel_kind, coalesce(gr.timezone, ${zone}) AS timezone,
             row_number() OVER (ORDER BY rg.position) - 1 AS gi
      FROM run_groups rg JOIN groups gr ON gr.id = rg.group_id JOIN channels ch ON ch.id = gr.channel_id
      WHERE rg.run_id = ${runId} ${groupFilter} ${attentionFilter})
    SELECT
      (SELECT json_agg(json_build_object('key', step_id || '#' || occurrence, 'step', step_id, 'occurrence', occurrence,
              'due', to_char(due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'action', action, 'executor', executor) ORDER BY si)::text FROM s) AS steps,
      (SELECT json_agg(json_build_object('id', id, 'name', name, 'leader', leader, 'channelKind', channel_kind, 'timezone', timezone) ORDER BY gi)::text FROM g) AS groups,
      (SELECT string_agg('[' || g.gi || ',' || s.si || ',"' || c.state || '",' || c.id || ']', ',' ORDER BY g.gi, s.si)
       FROM c JOIN g ON g.id = c.group_id JOIN s ON s.step_id = c.step_id AND s.occurrence = c.occurrence) AS cells,
      (SELECT json_object_agg(state, n)::text FROM (SELECT state, count(*) AS n FROM c GROUP BY state) x) AS counts`.execute(db);
  const row = r.rows[0];
  const head = {
    id: run.id,
    kind: run.kind,
    title: runTitleOf({ kind: run.kind, sheetTitle: run.title, broadcastText: run.broadcast_text, id: run.id }),
    state: run.state,
    ...(run.sheet_id ? { sheet: { id: run.sheet_id, version: run.sheet_version ?? 0 } } : {}),
    ...(run.anchor ? { anchor: new Date(run.anchor).toISOString() } : {}),
    timezone: zone,
    ...(run.deadline ? { deadline: new Date(run.deadline).toISOString() } : {}),
  };
  // States and ids never hold quotes or backslashes, so the cell text is valid JSON as written.
  return `{"run":${JSON.stringify(head)},"steps":${row?.steps ?? '[]'},"groups":${row?.groups ?? '[]'},"cells":[${row?.cells ?? ''}],"counts":${row?.counts ?? '{}'}}`;
}

// Consoles poll the board every few seconds, often several operators on one run, while workers
// keep changing it. The JSON is cached per run, scope and filter:
// - reused while the run's newest ledger change and the run's own row are unchanged (an index
//   probe), for at most FRESH_MS — a change committed late with an earlier timestamp would not
//   move the newest one;
// - when it has changed, a board at most STALE_MS old is still answered while one rebuild runs in
//   the background (one per key at a time), so a busy run costs one build at a time, not one per
//   request. An operator sees a change within about a second.
const FRESH_MS = 2_000;
const STALE_MS = 1_000;
const CACHE_MAX = 200;
interface Entry {
  stamp: string;
  at: number;
  json: string;
  etag: string;
}
const cache = new Map<string, Entry>();
const building = new Map<string, Promise<Entry | undefined>>();

export interface BoardAnswer {
  json: string;
  /** Changes whenever the board may have changed: an ETag for conditional requests. */
  etag: string;
}

type BoardOptions = { groupIds?: string[]; attention?: boolean };

function rebuild(db: Db, key: string, stamp: string, runId: string, opts: BoardOptions): Promise<Entry | undefined> {
  const running = building.get(key);
  if (running) return running;
  const started = Date.now();
  const p = runBoardJson(db, runId, opts)
    .then((json) => {
      if (json === undefined) return undefined;
      const entry = { stamp, at: started, json, etag: `W/"${createHash('sha1').update(`${key}|${stamp}`).digest('base64url').slice(0, 20)}"` };
      cache.delete(key);
      cache.set(key, entry);
      if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
      return entry;
    })
    .finally(() => building.delete(key));
  building.set(key, p);
  return p;
}

export async function cachedBoard(db: Db, runId: string, opts: BoardOptions = {}, now = Date.now()): Promise<BoardAnswer | undefined> {
  const r = await sql<{ l: Date | string | null; r: Date | string | null }>`
    SELECT (SELECT max(updated_at) FROM ledger WHERE run_id = ${runId}) AS l, (SELECT updated_at FROM runs WHERE id = ${runId}) AS r`.execute(db);
  const row = r.rows[0];
  if (!row?.r) return undefined;
  const stamp = `${new Date(row.l ?? 0).getTime()}.${new Date(row.r).getTime()}`;
  const key = `${runId}|${opts.attention ? 1 : 0}|${opts.groupIds ? [...opts.groupIds].sort().join(',') : '*'}`;
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp && now - hit.at < FRESH_MS) return hit;
  // Only worker-made cell changes may be answered a moment late; the run's own state (an
  // operator's pause or cancel) never is.
  const sameRun = hit !== undefined && hit.stamp.split('.')[1] === stamp.split('.')[1];
  if (hit && sameRun && now - hit.at < STALE_MS) {
    void rebuild(db, key, stamp, runId, opts).catch(() => undefined);
    return hit;
  }
  return rebuild(db, key, stamp, runId, opts);
}

/** The board as an object (for code and tests; the HTTP route sends the JSON text as it is). */
export async function runBoard(db: Db, runId: string, opts: { groupIds?: string[]; attention?: boolean } = {}): Promise<Board | undefined> {
  const json = await runBoardJson(db, runId, opts);
  return json === undefined ? undefined : (JSON.parse(json) as Board);
}
