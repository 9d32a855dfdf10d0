-- Admission (issue 8): applications to join a group — Telegram join requests and the public
-- application form — reviewed by the group's reviewer (groups.attrs.reviewer, else its leader);
-- and each group's application settings. The blacklist itself lives on members (011).

-- One row per group that has settings; a group without a row has the defaults (no questions,
-- rejoin allowed, no automatic approval, no form). `form_code` is the unguessable part of the
-- group's public form address /apply/<code>; null means the group has no public form.
CREATE TABLE admission_settings (
  group_id text PRIMARY KEY REFERENCES groups (id),
  questions jsonb NOT NULL DEFAULT '[]',
  rejoin_policy text NOT NULL DEFAULT 'allowed' CHECK (rejoin_policy IN ('allowed', 'review', 'never')),
  -- Screening rules that approve at once: [{"tag": "vip"}, {"answer": {"question": 1, "equals": "yes"}}].
  auto_approve jsonb NOT NULL DEFAULT '[]',
  -- The language Chorus writes to applicants in (private questions, the form's default).
  language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'zh')),
  form_code text UNIQUE,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An application. `member_id` is null for a form applicant until they join through their
-- personal invite link (a form gives no platform identity to make a member from); the name and
-- contact they typed are kept on the application.
CREATE TABLE admissions (
  id text PRIMARY KEY,
  group_id text NOT NULL REFERENCES groups (id),
  member_id text REFERENCES members (id),
  source text NOT NULL CHECK (source IN ('join_request', 'form')),
  applicant_name text,
  applicant_contact text,
  -- [{"question": "…", "answer": "…"}] in the order asked.
  answers jsonb NOT NULL DEFAULT '[]',
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
  reviewer text,
  reason text,
  decided_by text,
  decided_at timestamptz,
  -- Telegram: the platform user id and the private chat the bot may write to (user_chat_id).
  channel_id text,
  user_id text,
  user_chat_id text,
  -- How many of the group's questions were put to the person in private so far.
  asked int NOT NULL DEFAULT 0,
  -- A form applicant's personal invite link: the ledger row that creates it (its result holds the link).
  invite_ledger_id bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admissions_state ON admissions (state, created_at);
CREATE INDEX admissions_group ON admissions (group_id, state);
CREATE INDEX admissions_member ON admissions (member_id, state) WHERE member_id IS NOT NULL;
CREATE INDEX admissions_user ON admissions (channel_id, user_id, state) WHERE user_id IS NOT NULL;
-- One open application per person and group: a repeated join request updates it.
CREATE UNIQUE INDEX admissions_one_pending ON admissions (group_id, member_id) WHERE state = 'pending' AND member_id IS NOT NULL;

CREATE INDEX members_blacklisted ON members (blacklisted_at) WHERE blacklisted_at IS NOT NULL;
