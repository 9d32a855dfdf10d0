-- Per-step effect (src/insight/effects.ts, docs/insight.md#per-step-effect): a send's hour is read
-- from the group's messages by time, and the baseline's hours without a send from the group's
-- sent rows by time. Neither was indexed: messages had only (group_id, external_id), the ledger
-- nothing that leads with the group.
CREATE INDEX messages_group_sent ON messages (group_id, sent_at);
CREATE INDEX ledger_group_executed ON ledger (group_id, executed_at) WHERE executed_at IS NOT NULL AND member_id = '';
