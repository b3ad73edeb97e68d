-- Search index snapshots shared through the database: a node that starts
-- without a snapshot of its own fetches the latest instead of rebuilding
-- its index from the catalogue. A snapshot is stored in chunks, and counts
-- only once complete; a newer complete one replaces it. Times are Unix
-- seconds.
CREATE TABLE search_snapshots (
	id         INTEGER PRIMARY KEY,
	seq        INTEGER NOT NULL,
	model      TEXT NOT NULL,
	size       INTEGER NOT NULL DEFAULT 0,
	sha256     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	complete   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE search_snapshot_chunks (
	snapshot_id INTEGER NOT NULL REFERENCES search_snapshots (id),
	n           INTEGER NOT NULL,
	data        BLOB NOT NULL,
	PRIMARY KEY (snapshot_id, n)
) STRICT;
