-- Search: a change feed of the catalogue, embedding models and vectors, and
-- small settings.
--
-- papers.seq is the paper's position in the change feed: every write that
-- changes a paper or its daily entries gives it a new seq, larger than any
-- before (see nextSeq). Existing papers get positions in id order. The
-- default only lets ALTER TABLE add a NOT NULL column; writes always set seq,
-- and the unique index would refuse a second row left at 0.
ALTER TABLE papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

UPDATE papers SET seq = r.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM papers) AS r
WHERE papers.id = r.id;

CREATE UNIQUE INDEX papers_seq ON papers (seq);

-- Vectors are encoded by the embedding package; model names the embedder
-- that made them. Papers are never deleted, so the foreign key needs no index
-- on paper_id: SQLite looks up children only when a parent key changes.
CREATE TABLE embeddings (
	model    TEXT NOT NULL,
	paper_id TEXT NOT NULL REFERENCES papers(id),
	vector   BLOB NOT NULL,
	PRIMARY KEY (model, paper_id)
) STRICT;

-- Embedding models learned from the catalogue; created_at is Unix seconds.
CREATE TABLE models (
	name       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	data       BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
