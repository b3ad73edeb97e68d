-- Search: a change feed of the catalogue, embedding models and vectors, and
-- small settings.
--
-- papers.seq is the paper's position in the change feed: every write that
-- changes a paper or its daily entries gives it a new seq from
-- papers_change_seq, taken under the lockSeq advisory lock (see seq.go).
-- Existing papers get positions in id order.
CREATE SEQUENCE papers_change_seq;

ALTER TABLE papers ADD COLUMN seq bigint;

UPDATE papers SET seq = r.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM papers) AS r
WHERE papers.id = r.id;

SELECT setval('papers_change_seq', coalesce(max(seq), 0) + 1, false) FROM papers;

ALTER TABLE papers
	ALTER COLUMN seq SET DEFAULT nextval('papers_change_seq'),
	ALTER COLUMN seq SET NOT NULL;

ALTER SEQUENCE papers_change_seq OWNED BY papers.seq;

-- Unique, but partial, although every seq is positive: PostgreSQL counts a
-- column with a plain unique index as a key that foreign keys could
-- reference, and an UPDATE of such a column takes FOR UPDATE row locks.
-- Those conflict with the FOR KEY SHARE locks that inserting daily entries
-- or embeddings takes on their papers, so moving a paper up the feed would
-- wait for, and could deadlock with, an embedding write. A partial index is
-- never such a key. Queries must repeat "seq > 0" for the planner to use it.
CREATE UNIQUE INDEX papers_seq ON papers (seq) WHERE seq > 0;

-- Vectors are encoded by the embedding package; model names the embedder
-- that made them.
CREATE TABLE embeddings (
	model    text COLLATE "C" NOT NULL,
	paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
	vector   bytea NOT NULL,
	PRIMARY KEY (model, paper_id)
);

-- Embedding models learned from the catalogue.
CREATE TABLE models (
	name       text COLLATE "C" PRIMARY KEY,
	kind       text NOT NULL,
	data       bytea NOT NULL,
	created_at timestamptz NOT NULL
);

CREATE TABLE settings (
	key   text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);
