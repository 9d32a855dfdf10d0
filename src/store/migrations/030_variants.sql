-- A/B texts (issue 10, docs/sop-format.md, "Variants"): the variant of its step's `variants:` a ledger
-- row sends, NULL for a step without variants. Per-variant figures (sends, replies, clicks) group a
-- run's rows by (step, variant); the partial index holds only the rows of steps with variants.
-- A nullable column without a default: no table rewrite on PostgreSQL, nothing to backfill.
ALTER TABLE ledger ADD COLUMN variant text;
CREATE INDEX ledger_variant ON ledger (run_id, step_id, variant) WHERE variant IS NOT NULL;
