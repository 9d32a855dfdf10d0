-- The overview (GET /api/overview) reads the open rows by due time (what is due in the next hours,
-- what is late) and the rows that need a person by their last change (failed, missed,
-- unconfirmed): index range scans, however long the ledger grows. The state lists are the ones
-- src/server/views/overview.ts writes literally, so the planner can use these partial indexes.
CREATE INDEX ledger_open_due ON ledger (due_at) WHERE state IN ('planned', 'due', 'retry_wait', 'assigned');
CREATE INDEX ledger_problems ON ledger (updated_at) WHERE state IN ('failed', 'missed', 'unconfirmed', 'awaiting_confirmation');
