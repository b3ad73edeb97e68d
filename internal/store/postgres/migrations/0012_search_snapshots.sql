-- Search index snapshots shared through the database: a node that starts
-- without a snapshot of its own fetches the latest instead of rebuilding
-- its index from the catalogue. A snapshot is stored in chunks, and counts
-- only once complete; a newer complete one replaces it.
CREATE TABLE search_snapshots (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	seq        BIGINT NOT NULL,
	model      TEXT NOT NULL,
	size       BIGINT NOT NULL DEFAULT 0,
	sha256     TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	complete   BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE search_snapshot_chunks (
	snapshot_id BIGINT NOT NULL REFERENCES search_snapshots (id) ON DELETE CASCADE,
	n           INTEGER NOT NULL,
	data        BYTEA NOT NULL,
	PRIMARY KEY (snapshot_id, n)
);
-- The chunks are binary index data that compresses poorly: storing them
-- uncompressed saves the server the work.
ALTER TABLE search_snapshot_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
