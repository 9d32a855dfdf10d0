-- A member's answers to a `survey` step's questions, given on the personal form behind
-- `/s/<token>` (src/server/survey-form.ts). One row per member and step occurrence: answering
-- again replaces the answers. `answers` is the list of answers in the order of the step's
-- questions (an empty string for a question left blank).
CREATE TABLE survey_answers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id),
  group_id text NOT NULL REFERENCES groups (id),
  step_id text NOT NULL,
  occurrence int NOT NULL,
  member_id text NOT NULL REFERENCES members (id),
  answers jsonb NOT NULL,
  at timestamptz NOT NULL,
  UNIQUE (run_id, group_id, step_id, occurrence, member_id)
);
CREATE INDEX survey_answers_group ON survey_answers (group_id, run_id, step_id, occurrence);

-- The sweep looks for check-in posts that are out but have no window yet (src/community/checkins.ts).
CREATE INDEX ledger_checkin_posted ON ledger (executed_at) WHERE action = 'checkin' AND state IN ('sent', 'done', 'done_late');
