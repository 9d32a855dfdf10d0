-- Live codes (issue 9, docs/growth-livecodes.md): one stable public address /j/<code> for a set of
-- groups, each with a cap. A scan takes one seat of the first group (by position) that still has
-- one; the seat is taken by a conditional UPDATE, so concurrent scans never overfill a group.

CREATE TABLE livecodes (
  id text PRIMARY KEY,
  -- The unguessable part of the public address /j/<code>.
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  -- The selector the groups were picked with, as typed.
  selector text NOT NULL,
  -- When every group is full: create a new group where the platform can, else a task.
  auto_create boolean NOT NULL DEFAULT false,
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'ended')),
  -- The open "create a group" task (or creation) raised when every group filled; null when none is open.
  full_ledger_id bigint,
  full_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A group of a live code. `cap`: null = no cap (Telegram). `seats`: what the cap left when the
-- group was added (cap − its members then); `routed`: scans sent there. Full when routed reaches
-- seats or its member count reaches the cap. `links`: every link or QR served for it, so a join
-- through one of them counts as the live code's.
CREATE TABLE livecode_groups (
  id bigserial PRIMARY KEY,
  livecode_id text NOT NULL REFERENCES livecodes (id),
  group_id text NOT NULL REFERENCES groups (id),
  position int NOT NULL,
  cap int CHECK (cap IS NULL OR cap > 0),
  seats int CHECK (seats IS NULL OR seats >= 0),
  routed int NOT NULL DEFAULT 0,
  links text[] NOT NULL DEFAULT '{}',
  -- When Chorus last asked the connector for a link or QR (so a burst of scans asks once).
  link_asked_at timestamptz,
  -- The owner was reminded (a task) that the group's QR is about to expire.
  expiry_task_for timestamptz,
  added_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (livecode_id, group_id)
);
CREATE INDEX livecode_groups_order ON livecode_groups (livecode_id, position);
CREATE INDEX livecode_groups_group ON livecode_groups (group_id);

-- One row per scan (a visit to /j/<code>); group_id null when no group could take it.
CREATE TABLE livecode_scans (
  id bigserial PRIMARY KEY,
  livecode_id text NOT NULL REFERENCES livecodes (id),
  group_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX livecode_scans_code ON livecode_scans (livecode_id, at);
