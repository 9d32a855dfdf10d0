-- The question inbox (issue 10, docs/insight.md "The question inbox"): a member's message that asks
-- (src/community/standing/question.ts), kept at ingest with whether and how it was answered.
-- The text and the asker are read through the message row, not copied: forgetting a member
-- (forget.ts empties their messages) and merging two (members.ts moves the messages) stay true
-- here without either knowing this table.
CREATE TABLE questions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id text NOT NULL REFERENCES groups (id),
  message_id bigint NOT NULL UNIQUE REFERENCES messages (id),
  at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered')),
  answered_at timestamptz,
  -- A member id (staff, the group's leader or the bot answering in the group), or the sign-in name
  -- of the person who replied from the inbox.
  answered_by text,
  -- reply: a reply to the question; after: staff wrote in the group after it; inbox: a reply from the inbox.
  answered_via text,
  -- The inbox's reply (a ledger row of the `pp_inbox` people operation).
  reply_ledger_id bigint
);
-- The inbox: open questions, longest waiting first, across all groups or a few; answered ones, the
-- latest answered first. Partial, so each index holds only the rows its list reads.
CREATE INDEX questions_open ON questions (at, id) WHERE state = 'open';
CREATE INDEX questions_open_group ON questions (group_id, at, id) WHERE state = 'open';
CREATE INDEX questions_answered ON questions (answered_at DESC, id) WHERE state = 'answered';
CREATE INDEX questions_answered_group ON questions (group_id, answered_at DESC, id) WHERE state = 'answered';
