-- Connectors (issue 7, items 22–25 and 27).

-- A WeChat (Wechaty) channel signs in with a QR code scanned on the phone. The process that holds
-- the puppet writes the current code here, so that every API server can show it; NULL once signed
-- in. Status 'needs_login' = waiting for the scan (a new channel, or after a logout).
ALTER TABLE channels ADD COLUMN login_qr text;
ALTER TABLE channels ADD COLUMN login_qr_status text;         -- waiting | scanned | confirmed | timeout | cancel
ALTER TABLE channels ADD COLUMN login_qr_at timestamptz;
-- WeCom reconciliation (groupchat/list): when the channel's groups were last compared with WeCom.
ALTER TABLE channels ADD COLUMN reconciled_at timestamptz;

-- What the platform did to the group, as Chorus last made it (or heard of it).
ALTER TABLE groups ADD COLUMN announcement text;
ALTER TABLE groups ADD COLUMN invite_link text;               -- the current invite link / join QR content
ALTER TABLE groups ADD COLUMN invite_expires_at timestamptz;

-- What an action returned (an invite link, a new chat id, an uploaded media id, …).
ALTER TABLE ledger ADD COLUMN result jsonb;

-- WeCom temporary media (media/upload) live 3 days; a file is uploaded once per channel and kept
-- here until shortly before it expires.
CREATE TABLE wecom_media (
  channel_id text NOT NULL,
  source text NOT NULL,                    -- the image or file URL as the sheet gave it
  media_type text NOT NULL,                -- image | file
  media_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, source, media_type)
);
