-- Funnels and cohorts (issue 10, docs/insight.md#funnel): whether a member spoke in a group within a
-- window after joining (the first 72 hours, their second week, each week of a cohort) is read as
-- one index probe per member and window (src/insight/funnel-data.ts), never a scan of the messages.
CREATE INDEX messages_member_time ON messages (group_id, member_id, sent_at);
