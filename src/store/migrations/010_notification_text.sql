-- A notification's words as data: the catalogue key and its values (src/i18n), so each reader sees
-- it in their own language. `message` keeps the English text for older readers and the CLI.
ALTER TABLE notifications ADD COLUMN text jsonb;
