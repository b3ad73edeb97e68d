-- Leases: named, expiring locks that let one node at a time run a piece of
-- background work (the scheduled arXiv harvest). A row outlives its
-- lease; an expired one is taken over in place.
CREATE TABLE leases (
	name       text COLLATE "C" PRIMARY KEY,
	holder     text COLLATE "C" NOT NULL,
	expires_at timestamptz NOT NULL
);
