-- Audiences (issue 8): Telegram start links. A bot may write privately only to a person who
-- pressed Start in its chat; `t.me/<bot>?start=<token>` carries a short random token (Telegram
-- allows at most 64 characters of A-Za-z0-9_-) that names the member it was made for, so the
-- `/start <token>` the bot receives links the person's Telegram identity to that member even when
-- Chorus has not seen them in a group yet.
CREATE TABLE dm_start_tokens (
  token text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id),
  member_id text NOT NULL REFERENCES members (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE UNIQUE INDEX dm_start_tokens_member ON dm_start_tokens (channel_id, member_id);
