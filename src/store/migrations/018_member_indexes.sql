-- Two indexes on members that the members list's own (migration 012) already cover: lower(name)
-- is members_list_name's first column, last_active_at members_list_active's, and every query that
-- could use them leaves forgotten members out as those partial indexes do. Each index is written
-- again whenever a member's stage, level or tags move (the full recompute moves hundreds of
-- thousands): two fewer make that cheaper and cost no read.
DROP INDEX members_name;
DROP INDEX members_last_active;
