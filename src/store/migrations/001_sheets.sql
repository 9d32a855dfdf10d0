-- SOP sheets, versioned: saving a changed sheet adds a version; old versions stay readable
-- because runs pin the version they were started with.
CREATE TABLE sheets (
  id text PRIMARY KEY,
  title text NOT NULL,
  community text NOT NULL,
  latest_version int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sheet_versions (
  sheet_id text NOT NULL REFERENCES sheets (id),
  version int NOT NULL,
  yaml text NOT NULL,
  sha256 text NOT NULL,
  title text NOT NULL,
  community text NOT NULL,
  step_count int NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sheet_id, version)
);

-- API tokens: only a hash is kept. The admin token of a fresh install is written to the data folder.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  role text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
