-- The weekly digest (docs/insight.md, "The weekly digest") reads one group's messages of one week:
-- without this index that is every message the group ever had, read through (group_id,
-- external_id). One more entry per stored message.
CREATE INDEX messages_group_sent ON messages (group_id, sent_at);
