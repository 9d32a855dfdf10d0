-- Moderation and keyword alerts (issue 10, docs/insight.md#moderation).
-- A group's moderation settings, per community type (`community:<type>`) or per group
-- (`group:<id>`); a group's own row wins over its community type's. `settings` is the rules'
-- document (src/insight/rules/moderation-rules.ts), `exempt_roles` the member roles never judged.
CREATE TABLE moderation_settings (
  scope text PRIMARY KEY CHECK (scope LIKE 'group:%' OR scope LIKE 'community:%'),
  settings jsonb NOT NULL,
  exempt_roles text[] NOT NULL DEFAULT '{}',
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every moderation action: a message judged (warn, mute, remove; `deleted` when its deletion was
-- queued) and every undo (unmute, unban). Warnings within the window are counted here.
CREATE TABLE moderation_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  group_id text NOT NULL REFERENCES groups (id),
  member_id text REFERENCES members (id),
  rule text NOT NULL,
  action text NOT NULL CHECK (action IN ('warn', 'mute', 'remove', 'unmute', 'unban', 'unwarn')),
  deleted boolean NOT NULL DEFAULT false,
  message_id bigint,
  text text NOT NULL DEFAULT '',
  match text,
  blacklisted boolean NOT NULL DEFAULT false,
  -- For a mute: until when.
  until timestamptz,
  undone_at timestamptz,
  undone_by text,
  -- An undo row: the row it undid.
  undoes bigint REFERENCES moderation_log (id),
  by text
);
CREATE INDEX moderation_log_member ON moderation_log (member_id, group_id, at);
CREATE INDEX moderation_log_at ON moderation_log (at DESC);
CREATE UNIQUE INDEX moderation_log_message ON moderation_log (message_id) WHERE message_id IS NOT NULL;

-- Keyword alerts: a member's message holding the word (case and width ignored) in a group the
-- selector picks notifies the operators, once per message (alert_hits).
CREATE TABLE keyword_alerts (
  id text PRIMARY KEY,
  keyword text NOT NULL,
  selector text NOT NULL DEFAULT 'all',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE alert_hits (
  alert_id text NOT NULL REFERENCES keyword_alerts (id) ON DELETE CASCADE,
  message_id bigint NOT NULL,
  group_id text NOT NULL REFERENCES groups (id),
  member_id text REFERENCES members (id),
  at timestamptz NOT NULL,
  PRIMARY KEY (alert_id, message_id)
);
