// The people rules against the database (the decisions are pure: decide.ts, stage.ts, level.ts,
// tags.ts; the rules: rules.ts).
//
//   refreshStanding — after an event (src/community/events.ts calls it, inside the transaction
//     that recorded the event): one SELECT of the member row (with the rules, unless this process
//     already has them) and one UPDATE when something moved. The stage/level changes and the
//     points rules' rewards are returned for events.ts to record.
//   recomputeAll — every member from the whole history, in batches keyed by id: per batch one
//     aggregation of member_events (counts per kind, distinct weeks, the decayed score, invites
//     that stayed) in SQL, the same pure decisions in memory, one bulk UPDATE and one INSERT of the
//     stage/level events. After a rules change (in the background, tracked), daily and weekly.
//   standingSweep — from the sweep: a daily recompute (invites that stayed, time-based tags) and
//     the weekly one that may demote (demoteWeekly).

import { sql } from 'kysely';
import type { Level, Stage } from '../../sop/audience.ts';
import { jsonLines, withoutForeignKeyChecks } from '../../store/bulk.ts';
import type { Db } from '../../store/db.ts';
import { afterEvent, atRun, rewardsOf, weightOf } from './decide.ts';
import type { MemberFacts } from './facts.ts';
import { addToScore, decay } from './level.ts';
import { DEFAULT_RULES, type Rewarded, type Rules, storedRules } from './rules.ts';
import { sameTags } from './tags.ts';

export const SETTINGS_KEY = 'people';
const DAY = 86_400_000;

/** The event kinds after which a member's standing is looked at again. */
export const STANDING_KINDS: ReadonlySet<string> = new Set(['join_request', 'join', 'leave', 'message', 'reply', 'checkin', 'invite', 'click', 'order', 'answer', 'points', 'tag']);

export interface StoredRules {
  rules: Rules;
  /** Absent while the workspace uses the defaults. */
  updatedAt?: Date;
  updatedBy?: string | null;
}

export async function loadRules(db: Db): Promise<StoredRules> {
  const row = await db.selectFrom('workspace_settings').select(['value', 'updated_at', 'updated_by']).where('key', '=', SETTINGS_KEY).executeTakeFirst();
  if (!row) return { rules: DEFAULT_RULES };
  return { rules: storedRules(row.value), updatedAt: new Date(row.updated_at), updatedBy: row.updated_by };
}

/** Saves rules already read by readRules. */
export async function saveRules(db: Db, rules: Rules, by: string | null, now = new Date()): Promise<void> {
  const value = JSON.stringify(rules);
  await db
    .insertInto('workspace_settings')
    .values({ key: SETTINGS_KEY, value, updated_by: by, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: by, updated_at: now }))
    .execute();
}

// Rules read by refreshStanding, by the stored version's stamp: the member's SELECT brings the
// stored document only when this process has not seen that version yet.
const cache = new Map<string, Rules>();
const NO_STAMP = '-';

export interface StandingMove {
  kind: 'stage' | 'level';
  from: string;
  to: string;
}

export interface Reward {
  rule: `standing.${Rewarded}`;
  points: number;
}

export interface Refreshed {
  moves: StandingMove[];
  rewards: Reward[];
  /** The moves were written as member events already (`record`). */
  recorded?: boolean;
}

/** A member's counter columns (events.ts moves them; the people rules read them). */
export const COUNTER_COLUMNS = ['join_requests', 'joins', 'clicks', 'messages', 'replies', 'answers', 'checkins', 'invites', 'orders', 'active_weeks'] as const;
export type CounterColumn = (typeof COUNTER_COLUMNS)[number];

/** The member row refreshStanding reads (standingColumns, `m` joined with the rules' row `s`). */
export interface StandingRow extends Record<CounterColumn, number> {
  stage: string;
  level: string;
  score: number | string;
  score_at: Date | string | null;
  tags: string[];
  points: number;
  last_active_at: Date | string | null;
  forgotten_at: Date | string | null;
  stamp: string | null;
  rules: unknown;
}

/**
 * The columns refreshStanding reads, from `m` (the member row, or an UPDATE's RETURNING of it)
 * LEFT JOINed with `s` (workspace_settings, key `people`): the rules' document comes only when
 * this process has not seen that version yet.
 */
export function standingColumns() {
  const known = [...cache.keys()];
  return sql`m.stage, m.level, m.score, m.score_at, m.tags, m.points, m.join_requests, m.joins, m.clicks, m.messages, m.replies,
           m.answers, m.checkins, m.invites, m.orders, m.active_weeks, m.last_active_at, m.forgotten_at,
           coalesce(s.updated_at::text, ${NO_STAMP}) AS stamp,
           CASE WHEN s.updated_at IS NULL OR s.updated_at::text = ANY(${known}::text[]) THEN NULL ELSE s.value END AS rules`;
}

const asDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

type Counts = { [K in CounterColumn]: number | null } & {
  last_active_at: Date | string | null;
};

/**
 * A member's facts from their counts (the member row's, or a recompute's aggregate — absent for a
 * member without events) and their own row. Written out, not spread: the recompute builds 200,000.
 */
function factsOf(c: Counts | undefined, own: Pick<StandingRow, 'stage' | 'level' | 'points' | 'tags'>, score: number): MemberFacts {
  return {
    joinRequests: Number(c?.join_requests ?? 0),
    joins: Number(c?.joins ?? 0),
    clicks: Number(c?.clicks ?? 0),
    messages: Number(c?.messages ?? 0),
    replies: Number(c?.replies ?? 0),
    answers: Number(c?.answers ?? 0),
    checkins: Number(c?.checkins ?? 0),
    invites: Number(c?.invites ?? 0),
    orders: Number(c?.orders ?? 0),
    activeWeeks: Number(c?.active_weeks ?? 0),
    points: Number(own.points),
    stage: own.stage as Stage,
    level: own.level as Level,
    score,
    lastActiveAt: asDate(c?.last_active_at ?? null),
    tags: own.tags ?? [],
  };
}

export interface EventSeen {
  kind: string;
  detail?: Record<string, unknown>;
}

/**
 * Looks at a member's standing after an event at `at` (counters already moved): adds the event's
 * weight to the decayed score, moves the stage forward, promotes, re-evaluates the rule tags.
 * `read`: the member row (standingColumns) a caller already read in its own statement — the
 * UPDATE that moved the counters returns it, which saves a round trip per event. `record`: the
 * stage/level moves are also written as member events (of that group) with the member's UPDATE,
 * and the result says `recorded`.
 */
export async function refreshStanding(
  db: Db,
  memberId: string,
  at: Date,
  event?: EventSeen,
  read?: { row: StandingRow | undefined },
  record?: { groupId: string | null },
): Promise<Refreshed> {
  const [out] = await refreshStandings(db, [{ memberId, at, ...(event ? { event } : {}), ...(read ? { read } : {}), ...(record ? { record } : {}) }]);
  return out as Refreshed;
}

export interface StandingSeen {
  memberId: string;
  at: Date;
  event?: EventSeen;
  read?: { row: StandingRow | undefined };
  record?: { groupId: string | null };
  /**
   * The member's counters after the event, written with the standing in the same UPDATE (the
   * caller read the row FOR UPDATE and moved them: src/community/events.ts). Written even when
   * the standing does not move, and for a forgotten member.
   */
  counters?: CounterValues;
}

/** A member's counters as written (absolute values: the caller holds the row's lock). */
export type CounterValues = Record<CounterColumn, number> & { last_active_at: string | null };

/**
 * refreshStanding for many members at once (a burst of events, each of a different member): the
 * rows not read yet in one SELECT, the decisions in memory, every moved member in one UPDATE with
 * the recorded stage/level events in the same statement. The results come back in their order.
 */
export async function refreshStandings(db: Db, seen: readonly StandingSeen[]): Promise<Refreshed[]> {
  const unread = seen.filter((s) => !s.read).map((s) => s.memberId);
  const rows = new Map<string, StandingRow>();
  if (unread.length) {
    const r = await sql<StandingRow & { id: string }>`
      SELECT m.id, ${standingColumns()} FROM members m LEFT JOIN workspace_settings s ON s.key = ${SETTINGS_KEY}
      WHERE m.id = ANY(${unread}::text[])`.execute(db);
    for (const row of r.rows) rows.set(row.id, row);
  }
  const out: Refreshed[] = [];
  type Update = { id: string; score: number | null; score_at: string | null; stage: string | null; level: string | null; at: string; tags: string[] | null; counted?: true } & Partial<CounterValues>;
  const updates: Update[] = [];
  const countersOf = (s: StandingSeen) => (s.counters ? { counted: true as const, ...s.counters } : {});
  const events: { member_id: string; group_id: string | null; kind: string; at: string; detail: { from: string; to: string } }[] = [];
  const rewarded: { i: number; s: StandingSeen; rules: Rules }[] = [];
  for (const s of seen) {
    const row = s.read ? s.read.row : rows.get(s.memberId);
    if (!row || row.forgotten_at) {
      if (row && s.counters) updates.push({ id: s.memberId, score: null, score_at: null, stage: null, level: null, at: s.at.toISOString(), tags: null, ...countersOf(s) });
      out.push({ moves: [], rewards: [] });
      continue;
    }
    const rules = rulesOfRow(row);
    const d = decideStanding(row, rules, s.at, s.event);
    if (d.stored || d.moves.length || d.tags || s.counters) {
      updates.push({
        id: s.memberId,
        score: d.stored?.score ?? null,
        score_at: d.stored ? d.stored.at.toISOString() : null,
        stage: d.moves.some((m) => m.kind === 'stage') ? d.next.stage : null,
        level: d.moves.some((m) => m.kind === 'level') ? d.next.level : null,
        at: s.at.toISOString(),
        tags: d.tags ? d.next.tags : null,
        ...countersOf(s),
      });
      if (s.record) for (const m of d.moves) events.push({ member_id: s.memberId, group_id: s.record.groupId, kind: m.kind, at: s.at.toISOString(), detail: { from: m.from, to: m.to } });
    }
    if (s.event) rewarded.push({ i: out.length, s, rules });
    out.push({ moves: d.moves, rewards: [], ...(s.record && d.moves.length ? { recorded: true } : {}) });
  }
  if (updates.length) {
    const update = sql`
      UPDATE members m SET score = coalesce(v.score, m.score), score_at = coalesce(v.score_at, m.score_at),
        stage = coalesce(v.stage, m.stage), level = coalesce(v.level, m.level),
        level_at = CASE WHEN v.level IS NULL THEN m.level_at ELSE v.at END,
        tags = CASE WHEN v.tags IS NULL THEN m.tags ELSE ARRAY(SELECT jsonb_array_elements_text(v.tags)) END,
        ${COUNTER_SET}
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
        AS v(id text, score float8, score_at timestamptz, stage text, level text, at timestamptz, tags jsonb, counted boolean,
             ${COUNTER_TYPES})
      WHERE m.id = v.id`;
    // The `stage` / `level` events with the update, in one statement.
    if (events.length)
      await sql`
        WITH moved AS (${update})
        INSERT INTO member_events (member_id, group_id, kind, at, detail)
        SELECT v.member_id, v.group_id, v.kind, v.at, v.detail
        FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS v(member_id text, group_id text, kind text, at timestamptz, detail jsonb)`.execute(db);
    else await update.execute(db);
  }
  for (const { i, s, rules } of rewarded) {
    const wanted = rewardsOf((s.event as EventSeen).kind, s.event?.detail, rules);
    if (wanted.length) (out[i] as Refreshed).rewards = await dueRewards(db, s.memberId, s.at, wanted);
  }
  return out;
}

// The counters a caller moved (`counted`), else as they are.
const COUNTER_SET = sql.raw(
  [...COUNTER_COLUMNS, 'last_active_at'].map((c) => `${c} = CASE WHEN v.counted THEN v.${c} ELSE m.${c} END`).join(', '),
);
const COUNTER_TYPES = sql.raw([...COUNTER_COLUMNS.map((c) => `${c} int`), 'last_active_at timestamptz'].join(', '));

function rulesOfRow(row: StandingRow): Rules {
  const stamp = row.stamp ?? NO_STAMP;
  let rules = stamp === NO_STAMP ? DEFAULT_RULES : cache.get(stamp);
  if (!rules) {
    rules = storedRules(row.rules);
    if (cache.size > 20) cache.clear();
    cache.set(stamp, rules);
  }
  return rules;
}

/** What an event does to a member's standing, from their row (pure). */
function decideStanding(row: StandingRow, rules: Rules, at: Date, event: EventSeen | undefined) {
  const weight = event ? weightOf(event.kind, event.detail, rules) : 0;
  const scoreAt = asDate(row.score_at);
  const hl = rules.levels.halfLifeDays;
  const stored = weight > 0 ? addToScore(Number(row.score), scoreAt, weight, at, hl) : undefined;
  const scoreNow = stored ? decay(stored.score, stored.at, at, hl) : decay(Number(row.score), scoreAt, at, hl);
  const facts = factsOf(row, row, scoreNow);
  const next = afterEvent(facts, rules, at);
  const moves: StandingMove[] = [];
  if (next.stage !== facts.stage) moves.push({ kind: 'stage', from: facts.stage, to: next.stage });
  if (next.level !== facts.level) moves.push({ kind: 'level', from: facts.level, to: next.level });
  return { stored, next, moves, tags: !sameTags(next.tags, facts.tags) };
}

/** The rewards still under their daily cap (UTC day) for this member. */
async function dueRewards(db: Db, memberId: string, at: Date, wanted: { rule: Rewarded; points: number; dailyCap: number }[]): Promise<Reward[]> {
  const out: Reward[] = [];
  for (const w of wanted) {
    const rule = `standing.${w.rule}` as const;
    if (w.dailyCap > 0) {
      const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
      const given = await db
        .selectFrom('points_ledger')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('member_id', '=', memberId)
        .where('rule', '=', rule)
        .where('at', '>=', day)
        .where('at', '<', new Date(day.getTime() + DAY))
        .executeTakeFirstOrThrow();
      if (Number(given.n) >= w.dailyCap) continue;
    }
    out.push({ rule, points: w.points });
  }
  return out;
}

export interface RecomputeOptions {
  /** Members per batch (default 5,000). */
  batch?: number;
  now?: Date;
  /** The weekly run: levels may drop (with the margin and the grace days). */
  demote?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Only this member (after a merge: the kept member from the united events). */
  memberId?: string;
}

export interface RecomputeResult {
  members: number;
  /** Rows written (the others had not moved). */
  updated: number;
  stageMoves: number;
  levelMoves: number;
  tagChanges: number;
  ms: number;
}

interface AggRow {
  id: string;
  stage: string;
  level: string;
  level_at: Date | string | null;
  tags: string[];
  points: number;
  join_requests: number | null;
  joins: number | null;
  clicks: number | null;
  messages: number | null;
  replies: number | null;
  answers: number | null;
  checkins: number | null;
  invites: number | null;
  orders: number | null;
  active_weeks: number | null;
  last_active_at: Date | string | null;
  score: number | string | null;
}

const ACTIVE = sql`('message', 'reply', 'checkin', 'click', 'answer', 'invite')`;

/** Every member's stage, level, score and rule tags from their whole history. */
export async function recomputeAll(db: Db, rules: Rules, opts: RecomputeOptions = {}): Promise<RecomputeResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? 5000;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const w = rules.levels.weights;
  const hlSeconds = rules.levels.halfLifeDays * 86_400;
  const stay = rules.levels.inviteStayDays;
  const stayCut = sql`${new Date(now.getTime() - stay * DAY).toISOString()}::timestamptz`;
  const total = opts.memberId !== undefined ? 1 : Number((await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('forgotten_at', 'is', null).executeTakeFirstOrThrow()).n);
  const result: RecomputeResult = { members: 0, updated: 0, stageMoves: 0, levelMoves: 0, tagChanges: 0, ms: 0 };
  let after = '';
  opts.onProgress?.(0, total);
  for (;;) {
    // Each batch in a transaction of its own, or in the caller's (a merge recomputes its member inside it).
    const inTransaction = <T>(work: (trx: Db) => Promise<T>): Promise<T> => (db.isTransaction ? work(db) : db.transaction().execute(work));
    const rows = await inTransaction(async (trx): Promise<{ id: string }[]> => {
      // The batch's members (locked: an event arriving meanwhile waits, then applies on top), then
      // their events by a range of the (member_id, at) index. Read in that index's order (a random
      // page costing little more than the next one, as on any disk that is not spinning), they
      // arrive grouped by member: no sort, 40 % less time than gathering the pages and sorting.
      await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
      await sql`SET LOCAL random_page_cost = 1.1`.execute(trx);
      const members = await sql<Pick<AggRow, 'id' | 'stage' | 'level' | 'level_at' | 'tags' | 'points'> & { stored: number | string; stored_at: Date | string | null }>`
        SELECT id, stage, level, level_at, tags, points, score AS stored, score_at AS stored_at FROM members
        WHERE ${opts.memberId === undefined ? sql`id > ${after}` : sql`id = ${opts.memberId}`} AND forgotten_at IS NULL ORDER BY id LIMIT ${batch} FOR UPDATE`.execute(trx);
      if (!members.rows.length) return [];
      const last = members.rows[members.rows.length - 1]!.id;
      // One pass by member. The distinct active weeks are counted per member (a small sort each,
      // the events arriving in member order): half the cost of grouping by member and week first.
      // Ages in seconds by date_part (float8): extract() computes in numeric, which made the decay
      // three times dearer than everything else per event. Invites count once the invitee stayed:
      // the pass keeps the ids of the invites old enough, and only those are looked at again (the
      // invitee's stay, per invite).
      const agg = await sql<Omit<AggRow, 'stage' | 'level' | 'level_at' | 'tags' | 'points'>>`
        WITH agg AS (
        SELECT e.member_id AS id,
          count(*) FILTER (WHERE e.kind = 'join_request')::int AS join_requests,
          count(*) FILTER (WHERE e.kind = 'join')::int AS joins,
          count(*) FILTER (WHERE e.kind = 'click')::int AS clicks,
          count(*) FILTER (WHERE e.kind = 'message')::int AS messages,
          count(*) FILTER (WHERE e.kind = 'reply')::int AS replies,
          count(*) FILTER (WHERE e.kind = 'reply' AND e.detail->>'question' = 'true')::int AS answers,
          count(*) FILTER (WHERE e.kind = 'checkin')::int AS checkins,
          count(*) FILTER (WHERE e.kind = 'invite')::int AS invites,
          count(*) FILTER (WHERE e.kind = 'order')::int AS orders,
          count(DISTINCT date_trunc('week', e.at)) FILTER (WHERE e.kind IN ${ACTIVE})::int AS active_weeks,
          max(e.at) FILTER (WHERE e.kind IN ${ACTIVE}) AS last_active_at,
          coalesce(sum(
            (CASE e.kind
               WHEN 'message' THEN ${w.message}::float8
               WHEN 'checkin' THEN ${w.checkin}::float8
               WHEN 'reply' THEN ${w.reply}::float8 + CASE WHEN e.detail->>'question' = 'true' THEN ${w.answer}::float8 ELSE 0 END
               ELSE 0 END)
            * power(0.5, greatest(0, date_part('epoch', ${nowSql} - e.at)) / ${hlSeconds}::float8)
          ) FILTER (WHERE e.kind IN ('message', 'reply', 'checkin')), 0) AS score,
          array_agg(e.id) FILTER (WHERE e.kind = 'invite' AND e.at <= ${stayCut}) AS invites_due
        FROM member_events e
        WHERE ${opts.memberId === undefined ? sql`e.member_id > ${after} AND e.member_id <= ${last}` : sql`e.member_id = ${opts.memberId}`}
        GROUP BY e.member_id),
        stayed AS (
          SELECT e.member_id AS id,
            sum(${w.invite}::float8 * power(0.5, greatest(0, date_part('epoch', ${nowSql} - e.at)) / ${hlSeconds}::float8)) AS score
          FROM member_events e
          WHERE e.id IN (SELECT unnest(invites_due) FROM agg)
            AND NOT EXISTS (
              SELECT 1 FROM memberships ms
              WHERE ms.group_id = e.group_id AND ms.member_id = e.detail->>'invitee'
                AND ms.left_at >= e.at AND ms.left_at < e.at + ${stay} * interval '1 day')
          GROUP BY e.member_id)
        SELECT agg.id, agg.join_requests, agg.joins, agg.clicks, agg.messages, agg.replies, agg.answers, agg.checkins,
               agg.invites, agg.orders, agg.active_weeks, agg.last_active_at, agg.score + coalesce(stayed.score, 0) AS score
        FROM agg LEFT JOIN stayed ON stayed.id = agg.id`.execute(trx);
      const byId = new Map(agg.rows.map((a) => [a.id, a]));
      const ids: string[] = [];
      const stages: string[] = [];
      const levels: string[] = [];
      const scores: number[] = [];
      const tags: string[] = [];
      const evMember: string[] = [];
      const evKind: string[] = [];
      const evDetail: { from: string; to: string; by: 'recompute' }[] = [];
      for (const row of members.rows) {
        const a = byId.get(row.id);
        const score = Number(a?.score ?? 0);
        const facts = factsOf(a, row, score);
        const next = atRun(facts, asDate(row.level_at), rules, now, !!opts.demote);
        const tagsMoved = !sameTags(next.tags, facts.tags);
        // Unchanged (the stored score, decayed to now, is the recomputed one): the row stays as it is.
        const storedNow = decay(Number(row.stored), asDate(row.stored_at), now, rules.levels.halfLifeDays);
        const sameScore = Math.abs(storedNow - score) <= 1e-9 * Math.max(1, score);
        if (sameScore && !tagsMoved && next.stage === facts.stage && next.level === facts.level) continue;
        ids.push(row.id);
        stages.push(next.stage);
        levels.push(next.level);
        scores.push(score);
        tags.push(tagsMoved ? JSON.stringify(next.tags) : '');
        if (tagsMoved) result.tagChanges++;
        if (next.stage !== facts.stage) {
          result.stageMoves++;
          evMember.push(row.id);
          evKind.push('stage');
          evDetail.push({ from: facts.stage, to: next.stage, by: 'recompute' });
        }
        if (next.level !== facts.level) {
          result.levelMoves++;
          evMember.push(row.id);
          evKind.push('level');
          evDetail.push({ from: facts.level, to: next.level, by: 'recompute' });
        }
      }
      result.updated += ids.length;
      // The batch's range of ids too: without it the planner hashed every member for each batch.
      if (ids.length)
        await sql`
        UPDATE members m SET score = v.score, score_at = ${nowSql}, stage = v.stage, level = v.level,
          level_at = CASE WHEN m.level <> v.level THEN ${nowSql} ELSE m.level_at END,
          tags = CASE WHEN v.tags = '' THEN m.tags ELSE ARRAY(SELECT jsonb_array_elements_text(v.tags::jsonb)) END
        FROM unnest(${ids}::text[], ${stages}::text[], ${levels}::text[], ${scores}::float8[], ${tags}::text[]) AS v(id, stage, level, score, tags)
        WHERE m.id = v.id AND ${opts.memberId === undefined ? sql`m.id > ${after} AND m.id <= ${last}` : sql`m.id = ${opts.memberId}`}`.execute(trx);
      if (evMember.length) {
        // The batch's members are locked in this transaction: their events' checks could only pass.
        await withoutForeignKeyChecks(trx, () => sql`
          INSERT INTO member_events (member_id, kind, at, detail)
          SELECT v.member_id, v.kind, ${nowSql}, v.detail::jsonb
          FROM unnest(${evMember}::text[], ${evKind}::text[], ${jsonLines(evDetail)}) AS v(member_id, kind, detail)`.execute(trx));
      }
      return members.rows;
    });
    if (!rows.length) break;
    result.members += rows.length;
    after = rows[rows.length - 1]!.id;
    opts.onProgress?.(result.members, Math.max(total, result.members));
    if (rows.length < batch || opts.memberId !== undefined) break;
  }
  result.ms = Date.now() - started;
  return result;
}

/** One member from their whole history (promotion only), e.g. the kept member after a merge. */
export async function recomputeMember(db: Db, memberId: string, now = new Date()): Promise<RecomputeResult> {
  return recomputeAll(db, (await loadRules(db)).rules, { now, memberId });
}

/** The weekly run: every member recomputed, and levels may drop. */
export async function demoteWeekly(db: Db, now = new Date(), opts: Omit<RecomputeOptions, 'now' | 'demote'> = {}): Promise<RecomputeResult> {
  return recomputeAll(db, (await loadRules(db)).rules, { ...opts, now, demote: true });
}

/**
 * Claims a periodic run: true when `every` has passed since the last one (one process wins).
 * The first call only starts the clock, so a new workspace's first run comes a period later.
 */
async function claim(db: Db, key: string, now: Date, everyMs: number): Promise<boolean> {
  const inserted = await db
    .insertInto('workspace_settings')
    .values({ key, value: JSON.stringify({ at: now.toISOString() }), updated_by: 'sweep', updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return false;
  const claimed = await db
    .updateTable('workspace_settings')
    .set({ value: JSON.stringify({ at: now.toISOString() }), updated_at: now })
    .where('key', '=', key)
    .where('updated_at', '<=', new Date(now.getTime() - everyMs))
    .returning('key')
    .executeTakeFirst();
  return !!claimed;
}

/** From the sweep: the weekly run (may demote) when a week has passed, else the daily one when a day has. */
export async function standingSweep(db: Db, now = new Date()): Promise<'weekly' | 'daily' | undefined> {
  if (await claim(db, 'people.standing.weekly', now, 7 * DAY)) {
    await demoteWeekly(db, now);
    await claim(db, 'people.standing.daily', now, 0);
    return 'weekly';
  }
  if (await claim(db, 'people.standing.daily', now, DAY)) {
    await recomputeAll(db, (await loadRules(db)).rules, { now });
    return 'daily';
  }
  return undefined;
}

// --- the recompute after a rules change: in the background, one at a time per database ---

export interface RecomputeStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  result?: RecomputeResult;
}

interface Tracker {
  status: RecomputeStatus;
  again: boolean;
  running?: Promise<void>;
}

const trackers = new WeakMap<object, Tracker>();

function trackerOf(db: Db): Tracker {
  let t = trackers.get(db);
  if (!t) {
    t = { status: { state: 'idle', done: 0, total: 0 }, again: false };
    trackers.set(db, t);
  }
  return t;
}

export function recomputeStatus(db: Db): RecomputeStatus {
  return { ...trackerOf(db).status };
}

/** Starts a recompute with the stored rules (or, when one is running, another right after it). */
export function startRecompute(db: Db, opts: { batch?: number; log?: (line: string) => void } = {}): RecomputeStatus {
  const t = trackerOf(db);
  if (t.running) {
    t.again = true;
    return { ...t.status };
  }
  const run = async () => {
    do {
      t.again = false;
      t.status = { state: 'running', done: 0, total: 0, startedAt: new Date().toISOString() };
      try {
        const { rules } = await loadRules(db);
        const result = await recomputeAll(db, rules, {
          ...(opts.batch ? { batch: opts.batch } : {}),
          onProgress: (done, total) => {
            t.status = { ...t.status, done, total };
          },
        });
        t.status = { ...t.status, state: 'done', done: result.members, total: result.members, finishedAt: new Date().toISOString(), result };
      } catch (e) {
        opts.log?.(`people rules: the recompute failed: ${(e as Error).message}`);
        t.status = { ...t.status, state: 'failed', error: (e as Error).message, finishedAt: new Date().toISOString() };
      }
    } while (t.again);
  };
  t.running = run().finally(() => {
    t.running = undefined;
  });
  t.status = { state: 'running', done: 0, total: 0, startedAt: new Date().toISOString() };
  return { ...t.status };
}

/** Resolves when the background recompute (if any) has finished (tests, shutdown). */
export async function recomputeSettled(db: Db): Promise<RecomputeStatus> {
  const t = trackerOf(db);
  while (t.running) await t.running;
  return { ...t.status };
}
