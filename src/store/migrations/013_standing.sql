-- The people rules (issue 8): stages and levels from configurable rules over member events
-- (src/community/standing/). The rules themselves are a workspace setting (key `people`); the
-- periodic runs keep their last time under `people.standing.daily` / `people.standing.weekly`.
CREATE TABLE workspace_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Counters the stage rules read that 011 does not keep: join requests, joins, and replies that
-- answer another member's question (src/community/events.ts moves them with the event).
ALTER TABLE members
  ADD COLUMN join_requests int NOT NULL DEFAULT 0,
  ADD COLUMN joins int NOT NULL DEFAULT 0,
  ADD COLUMN answers int NOT NULL DEFAULT 0;

-- Joins already known (memberships kept before this migration; join events since 011).
UPDATE members m SET joins = j.n
FROM (SELECT member_id, count(*)::int AS n FROM memberships GROUP BY member_id) j
WHERE j.member_id = m.id;
UPDATE members m SET join_requests = r.n
FROM (SELECT member_id, count(*)::int AS n FROM member_events WHERE kind = 'join_request' GROUP BY member_id) r
WHERE r.member_id = m.id;
