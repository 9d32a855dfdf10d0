-- Members and stays are updated right after they are written (a join moves the member's counters,
-- then their stage; a leave closes the stay). Room left on each page lets those updates stay on the
-- page (HOT) instead of writing every one of the members' indexes again: a burst of joins is about
-- a fifth cheaper on PGlite. Pages written from now on keep the room; old ones as they are rewritten.
ALTER TABLE members SET (fillfactor = 70);
ALTER TABLE memberships SET (fillfactor = 80);
