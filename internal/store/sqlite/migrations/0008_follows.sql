-- Follows: members follow authors (by name, optionally narrowed by a
-- co-author or a category) and arXiv categories. match_key is what the
-- follow matches (quire.Follow.Key: the kind, the name in lower case and
-- the qualifiers, computed by the application, which SQLite's lower() is
-- not), so UNIQUE keeps one follow of a thing per account. Times are Unix
-- seconds.
CREATE TABLE follows (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	kind       TEXT NOT NULL CHECK (kind IN ('author', 'category')),
	name       TEXT NOT NULL,
	co_author  TEXT NOT NULL DEFAULT '',
	category   TEXT NOT NULL DEFAULT '',
	match_key  TEXT NOT NULL,
	digest     INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)),
	created_at INTEGER NOT NULL,
	UNIQUE (account_id, match_key)
) STRICT;

-- Followed papers are read newest first from a publication time on; the
-- follows are matched in the application, so that both backends compare
-- names alike.
CREATE INDEX papers_published ON papers (published_at, id) WHERE published_at IS NOT NULL;
