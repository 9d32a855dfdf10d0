-- The demo leaders' sign-ins, sealed with the secret box (src/store/secrets.ts), so that the
-- console's demo banner can keep showing them to owners and admins until each leader sets a
-- password of their own (the sealed one then no longer matches and is dropped) or the account goes.
CREATE TABLE demo_sign_ins (
  user_id text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  password_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
