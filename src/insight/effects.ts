// Per-step effect of a run (docs/insight.md#per-step-effect), the database side: every message the
// run sent to a group, with what happened in that group within the hour — counted per send in one
// statement on the indexes (messages by group and time, memberships by group and leave time, clicks
// by link, orders by member, the ledger's sends by group and time), never the groups' raw messages
// in memory — and the group's baseline at the same time of day. The rules in rules/effects.ts sum
// them per step and variant and judge the variants.

import { attributionWindowMs } from '../growth/link-stats.ts';
import type { RawBuilder } from 'kysely';
import { type Db, sql } from '../store/db.ts';
import { BASELINE_DAYS, EFFECT_WINDOW_MS, SEND_ACTIONS, SENT_STATES, type SendCounts } from './rules/effects.ts';

export interface RunSends {
  sends: SendCounts[];
  /** Step ids in the order they were first due. */
  stepOrder: string[];
}

export interface SendsOptions {
  groups?: readonly string[];
  attributionMs?: number;
}

interface Row {
  step_id: string;
  occurrence: number;
  variant: string | null;
  group_id: string;
  first_due: Date;
  replies: number;
  leaves: number;
  members: number;
  clicks: number;
  orders: number;
  baseline_hours: number;
  baseline_replied: number;
}

/**
 * A run's sends with their counts; only `groups`' when given (a leader's). The send's time is the
 * platform's timestamp of the message when the platform told us of it (its copy among the group's
 * messages), else when the platform accepted it.
 */
export async function runSends(db: Db, runId: string, opts: SendsOptions = {}): Promise<RunSends> {
  // The planner prices the per-send subqueries far above what they cost, and PostgreSQL's JIT then
  // spends seconds compiling a statement that runs in under one (2.4 s of 3.1 s for 5,000 sends):
  // it is switched off for this statement only.
  const read = async (trx: Db) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    return sendsQuery(runId, opts).execute(trx);
  };
  const rows = db.isTransaction ? await read(db) : await db.transaction().execute(read);
  const firstDue = new Map<string, number>();
  const sends = rows.rows.map((r) => {
    firstDue.set(r.step_id, new Date(r.first_due).getTime());
    return {
      step: r.step_id,
      occurrence: Number(r.occurrence),
      variant: r.variant,
      group: r.group_id,
      replies: Number(r.replies),
      leaves: Number(r.leaves),
      members: Number(r.members),
      clicks: Number(r.clicks),
      orders: Number(r.orders),
      baselineHours: Number(r.baseline_hours),
      baselineReplied: Number(r.baseline_replied),
    };
  });
  const stepOrder = [...firstDue.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([step]) => step);
  return { sends, stepOrder };
}

/** The statement behind runSends, for EXPLAIN. */
export function sendsQuery(runId: string, opts: SendsOptions = {}): RawBuilder<Row> {
  const hour = sql.lit(`${Math.round(EFFECT_WINDOW_MS / 1000)} seconds`);
  const attribution = sql.lit(`${Math.round((opts.attributionMs ?? attributionWindowMs()) / 1000)} seconds`);
  const states = sql.val([...SENT_STATES]);
  const actions = sql.val([...SEND_ACTIONS]);
  const scope = opts.groups ? sql`AND l.group_id = ANY(${sql.val([...opts.groups])}::text[])` : sql``;
  // A member's message: from a known person, not a bot, not the group's leader or assistant.
  const byMember = (m: string) => sql`${sql.ref(`${m}.member_id`)} IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = ${sql.ref(`${m}.member_id`)} AND i.is_bot)
    AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = ${sql.ref(`${m}.group_id`)} AND r.member_id = ${sql.ref(`${m}.member_id`)} AND r.role IN ('leader', 'assistant'))`;
  const notBot = (ms: string) => sql`NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = ${sql.ref(`${ms}.member_id`)} AND i.is_bot)`;
  return sql<Row>`
    WITH s AS (
      SELECT l.id, l.group_id, l.step_id, l.occurrence, l.variant, l.due_at, l.platform_message_id AS pmid,
             coalesce(l.content->>'text', '') AS text, COALESCE(pm.sent_at, l.executed_at) AS at,
             LEAST(g.created_at, coalesce((SELECT min(m.sent_at) FROM messages m WHERE m.group_id = l.group_id), g.created_at)) AS since
        FROM ledger l
        JOIN groups g ON g.id = l.group_id
        LEFT JOIN messages pm ON pm.group_id = l.group_id AND pm.external_id = l.platform_message_id
       WHERE l.run_id = ${runId} AND l.member_id = '' AND l.executed_at IS NOT NULL
         AND l.state = ANY(${states}::text[]) AND l.action = ANY(${actions}::text[]) ${scope}
    ),
    -- Clicks tied to the send: on the run's link sent in this group by this step, within the hour.
    tied AS (
      SELECT s.id AS send_id, c.id AS click_id, c.member_id, c.at
        FROM s JOIN links k ON k.run_id = ${runId}
        JOIN link_clicks c ON c.link_id = k.id AND c.group_id = s.group_id AND c.step_id = s.step_id
       WHERE c.at >= s.at AND c.at < s.at + ${hour}::interval
    ),
    -- A link made by hand and pasted in the step's text (/l/<slug>): its clicks within the hour that
    -- carry this group, are by a member in the group then, or carry neither group nor member; each
    -- counted once, for the latest such send before it.
    pasted AS (
      SELECT DISTINCT ON (c.id) s.id AS send_id, c.id AS click_id, c.member_id, c.at
        FROM s JOIN link_slugs ls ON s.text ~ ('/l/' || ls.slug || '([^A-Za-z0-9]|$)')
        JOIN links k ON k.id = ls.link_id AND k.run_id = ''
        JOIN link_clicks c ON c.link_id = ls.link_id AND c.slug = ls.slug
       WHERE c.at >= s.at AND c.at < s.at + ${hour}::interval
         AND (c.group_id = s.group_id OR (c.group_id = '' AND (c.member_id = '' OR EXISTS (
              SELECT 1 FROM memberships ms WHERE ms.group_id = s.group_id AND ms.member_id = c.member_id
                 AND ms.joined_at <= c.at AND (ms.left_at IS NULL OR ms.left_at > c.at)))))
       ORDER BY c.id, s.at DESC, s.id DESC
    ),
    cl AS (SELECT * FROM tied UNION SELECT * FROM pasted),
    clk AS (SELECT send_id, count(*)::int AS n FROM cl GROUP BY send_id),
    -- An order converts for a counted click when that click is its member's last before it, within
    -- the attribution window (the growth links' last-click rule).
    ord AS (
      SELECT cl.send_id, count(*)::int AS n
        FROM cl JOIN orders o ON o.member_id = cl.member_id AND o.at >= cl.at AND o.at < cl.at + ${attribution}::interval
       WHERE cl.member_id <> ''
         AND NOT EXISTS (SELECT 1 FROM link_clicks c2 WHERE c2.member_id = o.member_id AND c2.at <= o.at AND (c2.at > cl.at OR (c2.at = cl.at AND c2.id > cl.click_id)))
       GROUP BY cl.send_id
    ),
    -- The baseline: the same time on each of the previous days since the group was first seen (or
    -- its first stored message, if earlier: history brought in), in hours that hold no send of any
    -- run and follow none by under an hour.
    base AS (
      SELECT s.id AS send_id, count(*)::int AS hours,
             count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM messages m WHERE m.group_id = s.group_id AND m.sent_at >= w.at AND m.sent_at < w.at + ${hour}::interval AND ${byMember('m')}))::int AS replied
        FROM s CROSS JOIN LATERAL (SELECT s.at - d * interval '1 day' AS at FROM generate_series(1, ${BASELINE_DAYS}) d) w
       WHERE w.at >= s.since
         AND NOT EXISTS (
           SELECT 1 FROM ledger o WHERE o.group_id = s.group_id AND o.member_id = '' AND o.executed_at IS NOT NULL
              AND o.executed_at > w.at - ${hour}::interval AND o.executed_at < w.at + ${hour}::interval
              AND o.state = ANY(${states}::text[]) AND o.action = ANY(${actions}::text[]))
       GROUP BY s.id
    )
    SELECT s.step_id, s.occurrence, s.variant, s.group_id,
           min(s.due_at) OVER (PARTITION BY s.step_id) AS first_due,
           (SELECT count(*)::int FROM messages m
             WHERE m.group_id = s.group_id AND m.sent_at >= s.at AND m.sent_at < s.at + ${hour}::interval
               AND m.external_id IS DISTINCT FROM s.pmid AND m.text <> s.text AND ${byMember('m')}) AS replies,
           (SELECT count(*)::int FROM memberships ms
             WHERE ms.group_id = s.group_id AND ms.left_at >= s.at AND ms.left_at < s.at + ${hour}::interval
               AND ms.left_reason IS DISTINCT FROM 'removed' AND ${notBot('ms')}) AS leaves,
           (SELECT count(*)::int FROM memberships ms
             WHERE ms.group_id = s.group_id AND ms.joined_at <= s.at AND (ms.left_at IS NULL OR ms.left_at > s.at) AND ${notBot('ms')}) AS members,
           coalesce(clk.n, 0) AS clicks,
           coalesce(ord.n, 0) AS orders,
           coalesce(base.hours, 0) AS baseline_hours,
           coalesce(base.replied, 0) AS baseline_replied
      FROM s LEFT JOIN clk ON clk.send_id = s.id LEFT JOIN ord ON ord.send_id = s.id LEFT JOIN base ON base.send_id = s.id
     ORDER BY s.due_at, s.id`;
}
