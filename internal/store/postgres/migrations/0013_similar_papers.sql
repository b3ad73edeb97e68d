-- Similar papers that a node found in its vector index, shared so that the
-- other nodes (and this one after a restart) need not search again.
-- neighbours is a JSON array of {"id", "score"}, best first.
CREATE TABLE similar_papers (
	paper_id    TEXT PRIMARY KEY REFERENCES papers (id),
	model       TEXT NOT NULL,
	k           INTEGER NOT NULL,
	neighbours  TEXT NOT NULL,
	computed_at TIMESTAMPTZ NOT NULL
);
