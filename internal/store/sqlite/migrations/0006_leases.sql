-- Leases: named, expiring locks that let one node at a time run a piece of
-- background work (the scheduled arXiv harvest). A row outlives its
-- lease; an expired one is taken over in place. Times are Unix seconds.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
