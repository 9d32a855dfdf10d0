-- Accounts and access: people who sign in to the console, their sessions, login throttling that
-- several API servers share, personal API tokens, and the audit log of who did what.

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,               -- the sign-in name; groups.leader holds it for leaders
  display_name text NOT NULL,
  password_hash text NOT NULL,             -- argon2id
  role text NOT NULL,                      -- owner | admin | operator | leader | viewer
  locale text NOT NULL DEFAULT 'zh',       -- en | zh
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A session: the cookie holds a random value, only its SHA-256 is kept (the id).
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins, kept in the database so that every API server counts the same attempts.
CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,                      -- lower-cased as typed (may name nobody)
  ip text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX login_attempts_name ON login_attempts (name, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,                    -- sheet.save, run.start, task.done, user.role, …
  target text,
  detail jsonb NOT NULL DEFAULT '{}'
);

-- Personal tokens belong to a user and act with that user's current role and groups; the data
-- folder's admin token (for the CLI) has no user.
ALTER TABLE api_tokens ADD COLUMN user_id text REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
