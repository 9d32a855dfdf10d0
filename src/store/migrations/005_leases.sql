-- Receivers that fetch their own events (Telegram long polling, a Wechaty login) run once per
-- channel across every `chorus serve` on this database: the process holding a channel's lease
-- runs its receiver and renews the lease; a lease its holder stopped renewing (the process died)
-- expires, and another process takes it over. A graceful stop deletes the holder's leases.
CREATE TABLE receiver_leases (
  channel_id text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

-- WeCom callback nonces seen within the replay window, per channel, so that a replayed callback is
-- refused after a restart and on every API server. The sweep deletes expired ones.
CREATE TABLE wecom_nonces (
  channel_id text NOT NULL,
  nonce text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, nonce)
);
CREATE INDEX wecom_nonces_expiry ON wecom_nonces (expires_at);
