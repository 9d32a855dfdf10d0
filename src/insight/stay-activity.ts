// What the funnel and the cohorts keep of each stay (docs/insight.md#funnel, 034_funnel.sql), as
// ingest stores a burst's messages (called from inbound.ts in its transaction, one statement per
// batch): the stay a message falls in (after its join, before its leave) is marked activated when
// the message came within 72 hours of the join, and its own week k (days 7k to 7k + 6) active.
// These mirror the pure rules (rules/funnel.ts: ACTIVATE_HOURS, the week windows); funnel-data.ts
// hands them back to the rules as instants, and the tests check the two agree.

import { type Db, sql } from '../store/db.ts';
import { ACTIVATE_HOURS } from './rules/funnel.ts';

/** Own weeks kept per stay: 0 … MAX_WEEKS − 1 (a bigint's bits). */
export const MAX_WEEKS = 53;
const WEEK_S = 7 * 86_400;

export interface StayMessage {
  groupId: string;
  memberId: string;
  at: Date;
}

export async function markStayActivity(db: Db, messages: readonly StayMessage[]): Promise<void> {
  if (!messages.length) return;
  const rows = messages.map((m) => ({ group_id: m.groupId, member_id: m.memberId, at: m.at.toISOString() }));
  // Only the stays whose flags move are written (a chatty member's messages change nothing after the first).
  await sql`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(group_id text, member_id text, at timestamptz)),
    u AS (
      SELECT s.id,
        bool_or(v.at < s.joined_at + make_interval(secs => ${ACTIVATE_HOURS * 3600})) AS a,
        bit_or(1::bigint << floor(extract(epoch FROM v.at - s.joined_at) / ${WEEK_S})::int) AS w
      FROM v JOIN memberships s ON s.group_id = v.group_id AND s.member_id = v.member_id
      WHERE v.at >= s.joined_at AND v.at < s.joined_at + make_interval(secs => ${WEEK_S * MAX_WEEKS})
        AND (s.left_at IS NULL OR v.at < s.left_at)
      GROUP BY s.id)
    UPDATE memberships s SET activated = s.activated OR u.a, active_weeks = s.active_weeks | u.w
    FROM u WHERE s.id = u.id AND ((u.a AND NOT s.activated) OR s.active_weeks | u.w <> s.active_weeks)`.execute(db);
}
