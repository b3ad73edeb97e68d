-- Organizations: daily lists name the Hugging Face organization a paper
-- was submitted for (org_name is its handle, NULL when the list names
-- none), and members follow organizations. SQLite cannot alter a CHECK
-- constraint, so follows is rebuilt with the new kind.
ALTER TABLE daily_entries ADD COLUMN org_name TEXT;
ALTER TABLE daily_entries ADD COLUMN org_fullname TEXT;
ALTER TABLE daily_entries ADD COLUMN org_avatar TEXT;

-- Handles compare without regard to case (quire.DailyFilter.Organization).
CREATE INDEX daily_entries_org ON daily_entries (lower(org_name), day) WHERE org_name IS NOT NULL;

CREATE TABLE follows_new (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	kind       TEXT NOT NULL CHECK (kind IN ('author', 'category', 'organization')),
	name       TEXT NOT NULL,
	co_author  TEXT NOT NULL DEFAULT '',
	category   TEXT NOT NULL DEFAULT '',
	match_key  TEXT NOT NULL,
	digest     INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)),
	created_at INTEGER NOT NULL,
	UNIQUE (account_id, match_key)
) STRICT;
INSERT INTO follows_new SELECT id, account_id, kind, name, co_author, category, match_key, digest, created_at FROM follows;
DROP TABLE follows;
ALTER TABLE follows_new RENAME TO follows;
