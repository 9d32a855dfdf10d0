-- The run board is cached per run; the newest ledger change of a run tells whether the cache is
-- still good, so that lookup must be an index probe, not a scan of the run's rows.
CREATE INDEX ledger_run_updated ON ledger (run_id, updated_at);
