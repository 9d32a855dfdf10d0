-- Lead-group lifecycle and group creation (issue 9, docs/growth-lead-groups.md).
--
-- `groups.closes_at`: when a run on a lead sheet closes the group (its `disband` step, or the
-- community type's default lifespan). Growth releases the group's live-code seats shortly before.
-- A group may also be a placeholder (`status = 'pending'`, external_id `pending:<id>`): a group a
-- run creates, whose ledger rows wait until the real group appears and is bound to it.
ALTER TABLE groups ADD COLUMN closes_at timestamptz;

-- Every invite link Chorus made for a group (the group's own and personal ones), so the close
-- can withdraw exactly those: Telegram lets a bot revoke only the links it created.
CREATE TABLE group_invite_links (
  id bigserial PRIMARY KEY,
  group_id text NOT NULL REFERENCES groups (id),
  link text NOT NULL,
  personal boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  UNIQUE (group_id, link)
);
