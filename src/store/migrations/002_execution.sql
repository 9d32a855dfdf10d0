-- Channels, groups, members and what happens in them (inbound), and runs, broadcasts and the
-- execution ledger (outbound).

CREATE TABLE channels (
  id text PRIMARY KEY,
  kind text NOT NULL,                      -- telegram | wecom | wechaty | manual | sandbox
  name text NOT NULL,
  config_sealed text NOT NULL,             -- JSON with credentials, encrypted (AES-256-GCM)
  status text NOT NULL DEFAULT 'active',   -- active | needs_reauth | disabled
  status_reason text,
  identity text,                           -- who the connector acts as (bot username, corp name)
  pacing jsonb NOT NULL DEFAULT '{}',      -- per-account overrides of the platform's pacing defaults
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE groups (
  id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id),
  external_id text NOT NULL,
  name text NOT NULL,
  community text,
  tags text[] NOT NULL DEFAULT '{}',
  attrs jsonb NOT NULL DEFAULT '{}',
  leader text,                             -- the responsible person (an operator account name or id)
  timezone text,
  member_count int,
  status text NOT NULL DEFAULT 'active',   -- active | dismissed | access_lost
  created_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz,
  UNIQUE (channel_id, external_id)
);

CREATE TABLE members (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One person, identities per channel.
CREATE TABLE member_identities (
  member_id text NOT NULL REFERENCES members (id),
  channel_id text NOT NULL REFERENCES channels (id),
  external_id text NOT NULL,
  name text,
  is_bot boolean NOT NULL DEFAULT false,
  PRIMARY KEY (channel_id, external_id)
);
CREATE INDEX member_identities_member ON member_identities (member_id);

CREATE TABLE memberships (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id text NOT NULL REFERENCES groups (id),
  member_id text NOT NULL REFERENCES members (id),
  joined_at timestamptz NOT NULL,
  via_link text,
  inviter_member_id text,
  scene text,
  left_at timestamptz,
  left_reason text,                        -- voluntary | removed
  removed_by text
);
CREATE INDEX memberships_group ON memberships (group_id, left_at);
CREATE UNIQUE INDEX memberships_current ON memberships (group_id, member_id) WHERE left_at IS NULL;

CREATE TABLE messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id text NOT NULL REFERENCES groups (id),
  member_id text REFERENCES members (id),
  external_id text NOT NULL,
  text text NOT NULL,
  links text[] NOT NULL DEFAULT '{}',
  mentions text[] NOT NULL DEFAULT '{}',
  reply_to text,
  sent_at timestamptz NOT NULL,
  UNIQUE (group_id, external_id)
);

-- Every inbound event as received (normalized), for audit and replays.
CREATE TABLE inbound_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id),
  type text NOT NULL,
  chat_id text,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- A run applies one pinned sheet version to a set of groups; a broadcast is a one-step run
-- without a sheet.
CREATE TABLE runs (
  id text PRIMARY KEY,
  kind text NOT NULL,                      -- run | broadcast
  sheet_id text,
  sheet_version int,
  anchor timestamptz,
  timezone text,
  vars jsonb NOT NULL DEFAULT '{}',
  selector text NOT NULL,
  state text NOT NULL,                     -- running | paused | cancelled | completed
  deadline timestamptz,
  broadcast_text text,
  broadcast_by text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (sheet_id, sheet_version) REFERENCES sheet_versions (sheet_id, version)
);

CREATE TABLE run_groups (
  run_id text NOT NULL REFERENCES runs (id),
  group_id text NOT NULL REFERENCES groups (id),
  position int NOT NULL,
  PRIMARY KEY (run_id, group_id)
);

-- The execution ledger: one row per run × group × step occurrence (× member for member steps).
CREATE TABLE ledger (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id),
  group_id text NOT NULL REFERENCES groups (id),
  step_id text NOT NULL,
  occurrence int NOT NULL,
  member_id text NOT NULL DEFAULT '',      -- '' for group steps; the member for member-triggered ones
  action text NOT NULL,
  mode text NOT NULL,                      -- bot | human
  executor text NOT NULL,                  -- bot | owner | leader | assistant | <role>
  assignee text,                           -- the person a human action is assigned to
  sender_account text,                     -- the pacing account that sends it (bot rows)
  due_at timestamptz NOT NULL,
  window_minutes int NOT NULL,
  content jsonb NOT NULL,                  -- {text, link?, image?, name?, ...} rendered
  state text NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  platform_message_id text,
  external_task_id text,
  claimed_by text,
  executed_by text,
  executed_at timestamptz,
  on_time boolean,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, group_id, step_id, occurrence, member_id)
);
CREATE INDEX ledger_due ON ledger (due_at) WHERE state = 'planned';
CREATE INDEX ledger_retry ON ledger (next_attempt_at) WHERE state = 'retry_wait';
CREATE INDEX ledger_run ON ledger (run_id, state);
CREATE INDEX ledger_open_human ON ledger (assignee, due_at) WHERE state = 'assigned';
CREATE INDEX ledger_awaiting ON ledger (state) WHERE state IN ('awaiting_confirmation', 'sending');

-- Every state change of a ledger row, kept.
CREATE TABLE ledger_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ledger_id bigint NOT NULL,
  from_state text,
  to_state text NOT NULL,
  actor text,
  note text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_history_row ON ledger_history (ledger_id, id);

-- Pacing state per sender account, shared by every worker (row-locked when a send slot is taken).
CREATE TABLE pacing_accounts (
  account text PRIMARY KEY,
  policy jsonb NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Things a person should look at: reminders before a task's deadline, missed tasks, sends that
-- need checking. The leader page and the console read them.
CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recipient text NOT NULL,                 -- an operator/leader name, or 'operators'
  kind text NOT NULL,                      -- reminder | missed | unconfirmed | failed | channel
  ledger_id bigint,
  run_id text,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_recipient ON notifications (recipient, read_at);

-- Workers announce themselves; rows claimed by a worker that stopped beating are recovered.
CREATE TABLE workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- The sandbox channel: groups and members live here, and what the "platform" received.
CREATE TABLE sandbox_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id text NOT NULL,
  chat_id text NOT NULL,
  kind text NOT NULL,                      -- post | announce | rename | direct_message | ...
  text text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_messages_chat ON sandbox_messages (channel_id, chat_id, id);

ALTER TABLE ledger ADD COLUMN reminded_at timestamptz;
