-- Webhooks answer as soon as their events are stored; the events are applied afterwards, per
-- channel in arrival order (src/community/ingest-queue.ts). `applied_at` is when an event was
-- applied (every event stored before this migration was applied as it arrived); `failure` keeps
-- why an event could not be applied, so one bad event never holds up the ones after it.
ALTER TABLE inbound_events ADD COLUMN applied_at timestamptz DEFAULT now();
ALTER TABLE inbound_events ALTER COLUMN applied_at DROP DEFAULT;
ALTER TABLE inbound_events ADD COLUMN failure text;
CREATE INDEX inbound_events_pending ON inbound_events (channel_id, id) WHERE applied_at IS NULL;
