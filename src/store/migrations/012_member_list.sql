-- The members list (src/community/members-list.ts) pages members in one of five orders; each order
-- has an index over the members who are not forgotten, so a page is an index range instead of
-- sorting 200,000 rows. The id breaks ties, so pages never overlap. Searching by a platform id or
-- a username finds the identity by index.

CREATE INDEX members_list_active ON members (last_active_at DESC NULLS LAST, id DESC) WHERE forgotten_at IS NULL;
CREATE INDEX members_list_name ON members (lower(name), id) WHERE forgotten_at IS NULL;
CREATE INDEX members_list_points ON members (points DESC, id DESC) WHERE forgotten_at IS NULL;
CREATE INDEX members_list_joined ON members (created_at DESC, id DESC) WHERE forgotten_at IS NULL;
CREATE INDEX members_list_messages ON members (messages DESC, id DESC) WHERE forgotten_at IS NULL;
CREATE INDEX member_identities_external ON member_identities (external_id);
CREATE INDEX member_identities_username ON member_identities (lower(username)) WHERE username IS NOT NULL;
