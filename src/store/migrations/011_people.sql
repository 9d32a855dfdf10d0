-- People (issue 8): one member across every group, with a profile, counters kept by ingest, a
-- timeline of events, roles per group, saved segments and the points ledger. Stage and level are
-- kept by the people rules (src/community/standing/); counters by ingest (src/community/events.ts).

ALTER TABLE members
  ADD COLUMN phone text,
  ADD COLUMN email text,
  ADD COLUMN attrs jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN stage text NOT NULL DEFAULT 'stranger',
  ADD COLUMN level text NOT NULL DEFAULT 'ordinary',
  ADD COLUMN score double precision NOT NULL DEFAULT 0,
  ADD COLUMN score_at timestamptz,
  ADD COLUMN level_at timestamptz,
  ADD COLUMN points int NOT NULL DEFAULT 0 CHECK (points >= 0),
  ADD COLUMN messages int NOT NULL DEFAULT 0,
  ADD COLUMN replies int NOT NULL DEFAULT 0,
  ADD COLUMN checkins int NOT NULL DEFAULT 0,
  ADD COLUMN invites int NOT NULL DEFAULT 0,
  ADD COLUMN clicks int NOT NULL DEFAULT 0,
  ADD COLUMN orders int NOT NULL DEFAULT 0,
  ADD COLUMN active_weeks int NOT NULL DEFAULT 0,
  ADD COLUMN last_active_at timestamptz,
  ADD COLUMN blacklisted_at timestamptz,
  ADD COLUMN blacklist_reason text,
  ADD COLUMN blacklisted_by text,
  ADD COLUMN forgotten_at timestamptz;
CREATE INDEX members_phone ON members (phone) WHERE phone IS NOT NULL;
CREATE INDEX members_email ON members (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX members_tags ON members USING gin (tags);
CREATE INDEX members_stage ON members (stage);
CREATE INDEX members_level ON members (level);
CREATE INDEX members_last_active ON members (last_active_at);
CREATE INDEX members_name ON members (lower(name));

ALTER TABLE member_identities
  ADD COLUMN username text,
  -- Where the bot can write to the person privately: Telegram sets it when the person pressed
  -- Start in the bot's chat; null means the bot cannot start a private conversation.
  ADD COLUMN dm_chat_id text,
  ADD COLUMN dm_ready_at timestamptz;

CREATE INDEX memberships_member ON memberships (member_id, left_at);

-- Everything that happened to or by a member, for the timeline and the rules: join_request,
-- join, leave, message, reply, checkin, invite, click, order, answer, points, tag, role, stage,
-- level, admission, blacklist, merge, dm_linked, import. `detail` holds what the kind needs.
CREATE TABLE member_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id text NOT NULL REFERENCES members (id),
  group_id text REFERENCES groups (id),
  kind text NOT NULL,
  at timestamptz NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX member_events_member ON member_events (member_id, at);
CREATE INDEX member_events_group ON member_events (group_id, kind, at);

-- A member's role in one group: leader | assistant | committee | kol.
CREATE TABLE member_roles (
  group_id text NOT NULL REFERENCES groups (id),
  member_id text NOT NULL REFERENCES members (id),
  role text NOT NULL,
  set_by text,
  set_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, member_id)
);
CREATE INDEX member_roles_member ON member_roles (member_id);

-- Saved member selectors.
CREATE TABLE segments (
  name text PRIMARY KEY,
  selector text NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The points ledger: append-only; `balance` is the member's balance after this line.
CREATE TABLE points_ledger (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id text NOT NULL REFERENCES members (id),
  delta int NOT NULL,
  balance int NOT NULL CHECK (balance >= 0),
  reason text NOT NULL,
  rule text,
  actor text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_ledger_member ON points_ledger (member_id, id);

-- Keys the workspace signs its public links with (personal survey links, Telegram start links,
-- application forms): created on first use, shared by every process through the database.
CREATE TABLE workspace_keys (
  name text PRIMARY KEY,
  key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Check-ins: a `checkin` step, once posted in a group, opens a window; a member's message in the
-- group within it that carries the keyword (or replies to the check-in post) counts once.
CREATE TABLE checkins (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL REFERENCES runs (id),
  group_id text NOT NULL REFERENCES groups (id),
  step_id text NOT NULL,
  occurrence int NOT NULL,
  ledger_id bigint,
  keyword text NOT NULL,
  post_message_id text,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz,
  closed boolean NOT NULL DEFAULT false,
  UNIQUE (run_id, group_id, step_id, occurrence)
);
CREATE INDEX checkins_open ON checkins (group_id, opens_at) WHERE NOT closed;

CREATE TABLE checkin_marks (
  checkin_id bigint NOT NULL REFERENCES checkins (id),
  member_id text NOT NULL REFERENCES members (id),
  at timestamptz NOT NULL,
  message_id text,
  PRIMARY KEY (checkin_id, member_id)
);
CREATE INDEX checkin_marks_member ON checkin_marks (member_id, at);
