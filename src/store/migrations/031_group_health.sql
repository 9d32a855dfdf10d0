-- Group health (issue 10, docs/insight.md#group-health): rollups kept as ingest stores the events
-- (src/insight/rollups.ts), so the health board never reads raw messages.
--   group_days: per group and local day (the workspace zone, CHORUS_TIMEZONE) the counters, bumped
--     with `x = x + excluded.x`; response_seconds holds each first answer's wait, on the question's day.
--   group_day_members: who was active (spoke) in a group on a day; a row inserted bumps active_members.
--   group_member_active: each member's latest active day in a group; group_days.last_active counts
--     the members whose latest active day is that day (moved when it moves), so the members active
--     in the last 7 days are the sum of 7 counters, with no DISTINCT over a week of rows.
--   group_open_questions: members' questions waiting for a first answer from staff or the bot.
--   group_health: the status last recorded per group, so a turn to `dying` alerts once.
CREATE TABLE group_days (
  group_id text NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  day date NOT NULL,
  joins integer NOT NULL DEFAULT 0,
  leaves integer NOT NULL DEFAULT 0,
  messages integer NOT NULL DEFAULT 0,
  member_messages integer NOT NULL DEFAULT 0,
  staff_messages integer NOT NULL DEFAULT 0,
  active_members integer NOT NULL DEFAULT 0,
  last_active integer NOT NULL DEFAULT 0,
  questions integer NOT NULL DEFAULT 0,
  response_seconds integer[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (group_id, day)
);
-- The board reads a window of days across many groups: by day, however long the history.
CREATE INDEX group_days_day ON group_days (day);

CREATE TABLE group_day_members (
  group_id text NOT NULL,
  day date NOT NULL,
  member_id text NOT NULL,
  PRIMARY KEY (group_id, day, member_id)
);

CREATE TABLE group_member_active (
  group_id text NOT NULL,
  member_id text NOT NULL,
  day date NOT NULL,
  PRIMARY KEY (group_id, member_id)
);

CREATE TABLE group_open_questions (
  group_id text NOT NULL,
  message_id bigint NOT NULL,
  asked_at timestamptz NOT NULL,
  PRIMARY KEY (group_id, message_id)
);
CREATE INDEX group_open_questions_at ON group_open_questions (asked_at);

CREATE TABLE group_health (
  group_id text PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
  status text NOT NULL,
  score integer NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]',
  changed_at timestamptz NOT NULL,
  checked_at timestamptz NOT NULL
);
