-- Funnels and cohorts (issue 10, docs/insight.md#funnel): what the funnel and the cohorts need of
-- a stay, kept on it as ingest stores the member's messages (src/insight/stay-activity.ts), so
-- neither reads messages when asked:
--   activated: the member wrote in the group within 72 hours of this join;
--   active_weeks: bit k set when they wrote in their own week k of the stay (days 7k to 7k + 6
--     after joining), k from 0 to 52 (bit 1 is the funnel's retain: days 7–13).
-- A message counts for the stay it falls in (after the join, before the leave).
ALTER TABLE memberships
  ADD COLUMN activated boolean NOT NULL DEFAULT false,
  ADD COLUMN active_weeks bigint NOT NULL DEFAULT 0;

-- The stays' history so far, from the messages already stored (once).
UPDATE memberships s SET activated = x.a, active_weeks = x.w
FROM (
  SELECT s.id,
    bool_or(m.sent_at < s.joined_at + make_interval(secs => 259200)) AS a,
    bit_or(1::bigint << floor(extract(epoch FROM m.sent_at - s.joined_at) / 604800)::int) AS w
  FROM memberships s JOIN messages m ON m.group_id = s.group_id AND m.member_id = s.member_id
  WHERE m.sent_at >= s.joined_at AND m.sent_at < s.joined_at + make_interval(secs => 604800 * 53)
    AND (s.left_at IS NULL OR m.sent_at < s.left_at)
  GROUP BY s.id) x
WHERE x.id = s.id;
