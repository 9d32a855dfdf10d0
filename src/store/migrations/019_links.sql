-- Tracked links (issue 9, docs/growth.md). A `link` is one destination: a URL made by hand
-- (`chorus link create`), or a run's `link:` (one per run and URL, made the first time a row
-- carrying it is sent). Each place it is sent to gets its own short slug: per group, step and, for
-- a message to one member, the member. '' stands for "none" so the unique key holds.
-- Clicks are stored without the visitor's address or user agent; bots are not stored at all.

CREATE TABLE links (
  id text PRIMARY KEY,
  url text NOT NULL,
  name text,
  run_id text NOT NULL DEFAULT '',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX links_run_url ON links (run_id, url) WHERE run_id <> '';

CREATE TABLE link_slugs (
  slug text PRIMARY KEY,
  link_id text NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  group_id text NOT NULL DEFAULT '',
  step_id text NOT NULL DEFAULT '',
  member_id text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (link_id, group_id, step_id, member_id)
);

CREATE TABLE link_clicks (
  id bigserial PRIMARY KEY,
  link_id text NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  slug text NOT NULL,
  group_id text NOT NULL DEFAULT '',
  step_id text NOT NULL DEFAULT '',
  member_id text NOT NULL DEFAULT '',
  at timestamptz NOT NULL
);
CREATE INDEX link_clicks_link ON link_clicks (link_id, group_id, step_id);
-- Order attribution looks up a member's last click before an order.
CREATE INDEX link_clicks_member ON link_clicks (member_id, at) WHERE member_id <> '';
