-- Fission campaigns (issue 9, docs/growth.md): an `invite` campaign (each participant brings
-- `goal` new members through their personal link) or a `poster` campaign (a participant sends a
-- screenshot of the shared poster; approval completes). The groups are resolved from the selector
-- when the campaign is made. Rejected invites keep their reason (campaign-rules.ts).

CREATE TABLE campaigns (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('invite', 'poster')),
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'ended')),
  selector text NOT NULL,
  -- invite: qualified invitees to complete; poster: 1 (one approved screenshot).
  goal int NOT NULL CHECK (goal > 0),
  -- The fraud rules' settings (campaign-rules.ts CampaignRules): newOnly, staySeconds, cap, ….
  rules jsonb NOT NULL,
  -- What a completer gets: {points?, codes?: true, task?}.
  reward jsonb NOT NULL DEFAULT '{}',
  regroup_group_id text REFERENCES groups (id),
  until timestamptz,
  review text NOT NULL DEFAULT 'auto' CHECK (review IN ('auto', 'leader')),
  -- The leaderboard post's period, and when it was last posted.
  board_seconds int CHECK (board_seconds IS NULL OR board_seconds > 0),
  board_at timestamptz,
  -- poster settings {layout, title, subtitle?, background?}.
  poster jsonb,
  -- The code pool's low-water mark, and whether operators were told it ran low.
  low_codes int NOT NULL DEFAULT 10,
  low_alerted boolean NOT NULL DEFAULT false,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaign_groups (
  campaign_id text NOT NULL REFERENCES campaigns (id),
  group_id text NOT NULL REFERENCES groups (id),
  position int NOT NULL,
  PRIMARY KEY (campaign_id, group_id)
);
CREATE INDEX campaign_groups_group ON campaign_groups (group_id);

-- A member enrolled in a campaign. `token`: short and unguessable, the WeCom join way's `state`.
CREATE TABLE campaign_participants (
  id bigserial PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaigns (id),
  member_id text NOT NULL REFERENCES members (id),
  token text NOT NULL UNIQUE,
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'completed')),
  joined_at timestamptz NOT NULL,
  completed_at timestamptz,
  UNIQUE (campaign_id, member_id)
);
CREATE INDEX campaign_participants_member ON campaign_participants (member_id);

-- A participant's personal link into one campaign group: the ledger row that asks the platform
-- for it, and the link once made (read back from the row's result).
CREATE TABLE campaign_links (
  participant_id bigint NOT NULL REFERENCES campaign_participants (id),
  campaign_id text NOT NULL REFERENCES campaigns (id),
  group_id text NOT NULL REFERENCES groups (id),
  ledger_id bigint,
  link text,
  PRIMARY KEY (participant_id, group_id)
);
CREATE INDEX campaign_links_link ON campaign_links (link) WHERE link IS NOT NULL;
CREATE INDEX campaign_links_pending ON campaign_links (group_id) WHERE link IS NULL;

-- A join attributed to a participant. One counted invite per invitee and campaign (the first
-- link wins); a later one is kept rejected (`already_invited`) for the status.
CREATE TABLE campaign_invites (
  id bigserial PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaigns (id),
  participant_id bigint NOT NULL REFERENCES campaign_participants (id),
  invitee_id text NOT NULL REFERENCES members (id),
  group_id text NOT NULL REFERENCES groups (id),
  state text NOT NULL CHECK (state IN ('pending', 'qualified', 'rejected')),
  reason text,
  joined_at timestamptz NOT NULL,
  qualified_at timestamptz,
  decided_at timestamptz,
  UNIQUE (campaign_id, invitee_id, participant_id)
);
CREATE UNIQUE INDEX campaign_invites_first ON campaign_invites (campaign_id, invitee_id) WHERE reason IS NULL OR reason <> 'already_invited';
CREATE INDEX campaign_invites_participant ON campaign_invites (participant_id, state);
CREATE INDEX campaign_invites_pending ON campaign_invites (joined_at) WHERE state = 'pending';
CREATE INDEX campaign_invites_invitee ON campaign_invites (invitee_id, group_id) WHERE state = 'pending';

-- A poster campaign's screenshots: pending until reviewed.
CREATE TABLE campaign_submissions (
  id bigserial PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaigns (id),
  participant_id bigint NOT NULL REFERENCES campaign_participants (id),
  group_id text REFERENCES groups (id),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
  ledger_id bigint,
  at timestamptz NOT NULL,
  decided_at timestamptz
);
CREATE INDEX campaign_submissions_participant ON campaign_submissions (participant_id);

-- Reward codes, each given at most once: a completion takes one by a conditional UPDATE
-- (FOR UPDATE SKIP LOCKED), so two completions never get the same code.
CREATE TABLE campaign_codes (
  id bigserial PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaigns (id),
  code text NOT NULL,
  participant_id bigint REFERENCES campaign_participants (id),
  given_at timestamptz,
  UNIQUE (campaign_id, code)
);
CREATE INDEX campaign_codes_free ON campaign_codes (campaign_id, id) WHERE participant_id IS NULL;

-- What a completer was given: one row per participant and kind, so a reward is never given twice.
CREATE TABLE campaign_rewards (
  participant_id bigint NOT NULL REFERENCES campaign_participants (id),
  kind text NOT NULL CHECK (kind IN ('points', 'code', 'task', 'regroup')),
  detail jsonb NOT NULL DEFAULT '{}',
  ledger_id bigint,
  at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, kind)
);
