// The question inbox's side of ingest (docs/insight.md, "The question inbox"): a burst's member
// questions kept, and the questions its staff messages answer marked answered — one statement for
// the whole burst, in ingest's transaction.
//
// - A question is a message that asks (src/community/standing/question.ts) from a member: not a
//   bot, not the group's staff (a member holding the leader or assistant role there, as for
//   `enrolled` and the live codes' staff contacts), not one of Chorus's own scripts pasted.
// - It is answered by the first message of staff, the group's leader or a bot that replies to it,
//   or of staff or the leader that comes after it in that group (`reply` when it names the
//   question, else `after`); a bot's scheduled posts answer nobody's question. A member's
//   answer does not close it: the operator still owes one.
// - The inbox's own replies (inbox-reply.ts) mark it answered by the person, `inbox`.

import { isQuestion } from '../community/standing/question.ts';
import { type Db, sql } from '../store/db.ts';

/** What a burst's message tells the inbox (inbound.ts SeenMessage has these and more). */
export interface BurstMessage {
  groupId: string;
  memberId: string;
  messageId: number;
  externalId: string;
  text: string;
  replyTo: string | null;
  at: Date;
  isBot: boolean;
  ownScript: boolean;
}

/** The roles whose messages answer a group's questions. */
export const STAFF_ROLES = ['leader', 'assistant'] as const;

/** Keeps the burst's questions and answers what its staff wrote; returns the counts. */
export async function recordQuestions(db: Db, messages: readonly BurstMessage[]): Promise<{ asked: number; answered: number }> {
  const rows = messages.map((m, ord) => ({
    ord,
    group_id: m.groupId,
    member_id: m.memberId,
    message_id: m.messageId,
    external_id: m.externalId,
    reply_to: m.replyTo,
    at: m.at.toISOString(),
    bot: m.isBot,
    asks: !m.isBot && !m.ownScript && isQuestion(m.text),
  }));
  if (!rows.length) return { asked: 0, answered: 0 };
  const r = await sql<{ asked: number; answered: number }>`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS v(ord int, group_id text, member_id text, message_id bigint, external_id text, reply_to text, at timestamptz, bot boolean, asks boolean)),
    r AS (
      SELECT v.*, v.bot OR EXISTS (
        SELECT 1 FROM member_roles mr WHERE mr.group_id = v.group_id AND mr.member_id = v.member_id AND mr.role = ANY(${[...STAFF_ROLES]}::text[])) AS staff
      FROM v),
    a AS (SELECT * FROM r WHERE staff),
    -- Questions already kept that a staff message of the burst answers: the first such message each.
    first_answer AS (
      SELECT DISTINCT ON (q.id) q.id, a.at, a.member_id, CASE WHEN a.reply_to = m.external_id THEN 'reply' ELSE 'after' END AS via
      FROM a
      JOIN questions q ON q.group_id = a.group_id AND q.state = 'open' AND (q.at < a.at OR (q.at = a.at AND q.message_id < a.message_id))
      JOIN messages m ON m.id = q.message_id
      -- A bot answers only by replying: its scheduled posts answer nobody's question.
      WHERE NOT a.bot OR a.reply_to = m.external_id
      ORDER BY q.id, a.at, a.ord),
    answered AS (
      UPDATE questions q SET state = 'answered', answered_at = f.at, answered_by = f.member_id, answered_via = f.via
      FROM first_answer f WHERE q.id = f.id
      RETURNING 1),
    -- The burst's own questions, answered already when a later staff message of the burst answers them.
    asked AS (
      INSERT INTO questions (group_id, message_id, at, state, answered_at, answered_by, answered_via)
      SELECT r.group_id, r.message_id, r.at, CASE WHEN f.at IS NULL THEN 'open' ELSE 'answered' END, f.at, f.member_id, f.via
      FROM r LEFT JOIN LATERAL (
        SELECT a.at, a.member_id, CASE WHEN a.reply_to = r.external_id THEN 'reply' ELSE 'after' END AS via
        FROM a WHERE a.group_id = r.group_id AND (a.at > r.at OR (a.at = r.at AND a.ord > r.ord)) AND (NOT a.bot OR a.reply_to = r.external_id)
        ORDER BY a.at, a.ord LIMIT 1) f ON true
      WHERE r.asks AND NOT r.staff
      ON CONFLICT (message_id) DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM asked)::int AS asked, (SELECT count(*) FROM answered)::int AS answered`.execute(db);
  return r.rows[0] ?? { asked: 0, answered: 0 };
}
