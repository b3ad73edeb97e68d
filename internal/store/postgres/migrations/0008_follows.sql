-- Follows: members follow authors (by name, optionally narrowed by a
-- co-author or a category) and arXiv categories. match_key is what the
-- follow matches (quire.Follow.Key: the kind, the name in lower case and
-- the qualifiers, computed by the application so that both backends
-- agree), so UNIQUE keeps one follow of a thing per account; its "C"
-- collation orders follows bytewise, as on SQLite.
CREATE TABLE follows (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id bigint NOT NULL REFERENCES accounts (id),
	kind       text NOT NULL CHECK (kind IN ('author', 'category')),
	name       text NOT NULL,
	co_author  text NOT NULL DEFAULT '',
	category   text NOT NULL DEFAULT '',
	match_key  text COLLATE "C" NOT NULL,
	digest     boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL,
	UNIQUE (account_id, match_key)
);

-- Followed papers are read newest first from a publication time on; the
-- follows are matched in the application, so that both backends compare
-- names alike.
CREATE INDEX papers_published ON papers (published_at, id) WHERE published_at IS NOT NULL;
