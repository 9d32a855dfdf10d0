-- Indexes for the members list at scale (issue 8 "Performance"; measured by
-- `npm run bench -- people`, figures in docs/benchmarks-people.md).

-- The members page sorted by last active (`GET /api/members?sort=lastActive`, newest first,
-- never-active last, then id — the ORDER BY of listMembers): the page reads the first 50 entries
-- instead of sorting all 200,000 members; read backwards it serves the ascending sort too.
-- Partial on forgotten_at IS NULL because every audienceQuery has that filter.
CREATE INDEX members_last_active_page ON members (last_active_at DESC NULLS LAST, id DESC) WHERE forgotten_at IS NULL;
