// Group health's rollups (docs/insight.md#group-health), kept as ingest stores the events: called
// from src/insight/inbound.ts in the burst's transaction, one statement per batch. Per group and
// local day (the workspace zone): joins, leaves, messages by members and by staff, the members who
// spoke, the questions and each one's wait for a first answer. The health board reads only these.
//
// - Staff are the bot (any bot account), members holding the `leader` or `assistant` role in the
//   group (src/community/roles.ts), and a message that is exactly the script of one of Chorus's
//   own actions there (a leader pasting their task: the SOP speaking). Everyone else is a member.
// - Active members are the members who spoke. A check-in is a member's message (checkins.ts), so
//   it is counted as speaking already. Each member's latest active day is kept per group, and
//   group_days.last_active counts the members whose latest day each day is: the members active
//   since a day are the sum of the counters from that day on. (Two transactions bringing the same
//   member's messages in one group at the same moment could move the counter from a stale day;
//   ingest applies one channel's events in order, so in practice they do not.)
// - A question (src/community/standing/question.ts) by a member waits in group_open_questions
//   until it is answered by the inbox's rule (src/insight/questions.ts): the first later message of
//   a member holding the leader or assistant role in that group, or a bot's message that replies to
//   it (a bot's scheduled post answers nobody's question; neither does a member pasting a script).
//   The wait goes on the question's day.
// - Joins and leaves of bot accounts are not counted.

import { workspaceTimezone } from '../config.ts';
import { isQuestion } from '../community/standing/question.ts';
import { STAFF_ROLES } from './questions.ts';
import { type Db, sql } from '../store/db.ts';

/** What the rollups read of a join or a leave (inbound.ts's SeenJoin, SeenLeave). */
export interface PersonSeen {
  groupId: string;
  at: Date;
  isBot: boolean;
}

/** What the rollups read of a stored message (inbound.ts's SeenMessage). */
export interface MessageSeen {
  groupId: string;
  memberId: string;
  messageId: number;
  /** The platform's id of the message (what a reply names). */
  externalId: string;
  text: string;
  /** The platform id of the message this one replies to. */
  replyTo: string | null;
  at: Date;
  isBot: boolean;
  ownScript: boolean;
}

/** The zone that makes a day of the rollups (CHORUS_TIMEZONE, default Asia/Shanghai). */
export const rollupZone = (): string => workspaceTimezone();

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant's local day (YYYY-MM-DD) in a zone, computed here: cheaper than AT TIME ZONE per row on PGlite. */
export function localDayOf(zone: string): (at: Date) => string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(zone, f);
  }
  const fmt = f;
  return (at) => fmt.format(at);
}

async function bumpPeople(db: Db, column: 'joins' | 'leaves', rows: readonly PersonSeen[]): Promise<void> {
  const dayOf = localDayOf(rollupZone());
  const people = rows.filter((r) => !r.isBot).map((r) => ({ group_id: r.groupId, day: dayOf(r.at) }));
  if (!people.length) return;
  const col = sql.ref(column);
  await sql`
    INSERT INTO group_days (group_id, day, ${col})
    SELECT v.group_id, v.day, count(*)::int
    FROM jsonb_to_recordset(${JSON.stringify(people)}::jsonb) AS v(group_id text, day date)
    GROUP BY 1, 2
    ON CONFLICT (group_id, day) DO UPDATE SET ${col} = group_days.${col} + excluded.${col}`.execute(db);
}

export async function rollupJoins(db: Db, joins: readonly PersonSeen[]): Promise<void> {
  await bumpPeople(db, 'joins', joins);
}

export async function rollupLeaves(db: Db, leaves: readonly PersonSeen[]): Promise<void> {
  await bumpPeople(db, 'leaves', leaves);
}

/**
 * A batch of stored messages into the rollups, in one statement: the day counters, the members
 * active that day (a counter bumped only for a row newly inserted), each member's latest active
 * day, the questions opened, and those the batch's staff messages answer.
 */
export async function rollupMessages(db: Db, messages: readonly MessageSeen[]): Promise<void> {
  if (!messages.length) return;
  const zone = rollupZone();
  const dayOf = localDayOf(zone);
  const rows = messages.map((m) => ({
    group_id: m.groupId,
    day: dayOf(m.at),
    member_id: m.memberId,
    message_id: m.messageId,
    external_id: m.externalId,
    reply_to: m.replyTo,
    at: m.at.toISOString(),
    bot: m.isBot,
    own: m.ownScript,
    question: !m.isBot && !m.ownScript && isQuestion(m.text),
  }));
  await sql`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS v(group_id text, day date, member_id text, message_id bigint, external_id text, reply_to text, at timestamptz, bot boolean, own boolean, question boolean)),
    r AS (
      SELECT v.*, EXISTS (
        SELECT 1 FROM member_roles r WHERE r.group_id = v.group_id AND r.member_id = v.member_id AND r.role = ANY(${[...STAFF_ROLES]}::text[])) AS role
      FROM v),
    c AS (SELECT r.*, (r.bot OR r.own OR r.role) AS staff FROM r),
    act AS (SELECT DISTINCT group_id, day, member_id FROM c WHERE NOT staff),
    fresh AS (
      INSERT INTO group_day_members (group_id, day, member_id) SELECT group_id, day, member_id FROM act
      ON CONFLICT DO NOTHING RETURNING group_id, day),
    -- Each member's latest active day, and the counter of members whose latest day it is moved with
    -- it. prior reads the statement's snapshot: the days as they were before this statement.
    -- MATERIALIZED: else the planner reads it again for every row of latest.
    prior AS MATERIALIZED (
      SELECT p.group_id, p.member_id, p.day FROM group_member_active p
      JOIN (SELECT DISTINCT group_id, member_id FROM act) k ON k.group_id = p.group_id AND k.member_id = p.member_id),
    latest AS (
      INSERT INTO group_member_active (group_id, member_id, day)
      SELECT group_id, member_id, max(day) FROM act GROUP BY 1, 2
      ON CONFLICT (group_id, member_id) DO UPDATE SET day = greatest(group_member_active.day, excluded.day)
      RETURNING group_id, member_id, day),
    moved AS (
      SELECT l.group_id, l.day AS new_day, p.day AS old_day FROM latest l
      LEFT JOIN prior p ON p.group_id = l.group_id AND p.member_id = l.member_id
      WHERE p.day IS DISTINCT FROM l.day),
    -- The messages that can answer (the inbox's rule): staff by role, and bots only by replying.
    answerers AS (SELECT group_id, message_id, at, bot, reply_to FROM c WHERE role OR (bot AND reply_to IS NOT NULL)),
    asked AS (
      SELECT o.group_id, o.message_id, o.asked_at, m.external_id, true AS stored FROM group_open_questions o
      JOIN messages m ON m.id = o.message_id
      WHERE o.group_id IN (SELECT group_id FROM answerers)
      UNION ALL
      SELECT group_id, message_id, at, external_id, false FROM c WHERE question AND NOT staff),
    answered AS (
      SELECT a.*, (SELECT min(s.at) FROM answerers s
        WHERE s.group_id = a.group_id AND (s.at, s.message_id) > (a.asked_at, a.message_id) AND (NOT s.bot OR s.reply_to = a.external_id)) AS answered_at
      FROM asked a),
    closed AS (
      DELETE FROM group_open_questions o USING answered a
      WHERE a.stored AND a.answered_at IS NOT NULL AND o.group_id = a.group_id AND o.message_id = a.message_id
      RETURNING 1),
    opened AS (
      INSERT INTO group_open_questions (group_id, message_id, asked_at)
      SELECT group_id, message_id, asked_at FROM answered WHERE NOT stored AND answered_at IS NULL
      ON CONFLICT DO NOTHING RETURNING 1),
    deltas AS (
      SELECT group_id, day, 1 AS messages, (NOT staff)::int AS member_messages, staff::int AS staff_messages,
             0 AS active, 0 AS last_active, (question AND NOT staff)::int AS questions, NULL::int AS waited FROM c
      UNION ALL
      SELECT group_id, day, 0, 0, 0, 1, 0, 0, NULL FROM fresh
      UNION ALL
      SELECT group_id, new_day, 0, 0, 0, 0, 1, 0, NULL FROM moved
      UNION ALL
      SELECT group_id, old_day, 0, 0, 0, 0, -1, 0, NULL FROM moved WHERE old_day IS NOT NULL
      UNION ALL
      SELECT group_id, (asked_at AT TIME ZONE ${zone})::date, 0, 0, 0, 0, 0, 0, greatest(0, round(extract(epoch FROM answered_at - asked_at)))::int
      FROM answered WHERE answered_at IS NOT NULL)
    INSERT INTO group_days (group_id, day, messages, member_messages, staff_messages, active_members, last_active, questions, response_seconds)
    SELECT group_id, day, sum(messages), sum(member_messages), sum(staff_messages), sum(active), sum(last_active), sum(questions),
           coalesce(array_agg(waited) FILTER (WHERE waited IS NOT NULL), '{}')
    FROM deltas GROUP BY group_id, day
    ON CONFLICT (group_id, day) DO UPDATE SET
      messages = group_days.messages + excluded.messages,
      member_messages = group_days.member_messages + excluded.member_messages,
      staff_messages = group_days.staff_messages + excluded.staff_messages,
      active_members = group_days.active_members + excluded.active_members,
      last_active = group_days.last_active + excluded.last_active,
      questions = group_days.questions + excluded.questions,
      response_seconds = group_days.response_seconds || excluded.response_seconds`.execute(db);
}
