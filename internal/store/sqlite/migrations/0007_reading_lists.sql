-- Reading lists: members save papers to named lists, private or public,
-- with a note and a read mark per paper. Times are Unix seconds (NULL when
-- not set). name_key is the name in lower case (Unicode-aware, computed by
-- the application, which SQLite's lower() is not), so UNIQUE makes names
-- unique per account whatever their case.
CREATE TABLE reading_lists (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	public      INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (account_id, name_key)
) STRICT;

CREATE TABLE reading_list_papers (
	list_id  INTEGER NOT NULL REFERENCES reading_lists (id) ON DELETE CASCADE,
	paper_id TEXT NOT NULL REFERENCES papers (id),
	note     TEXT NOT NULL DEFAULT '',
	saved_at INTEGER NOT NULL,
	read_at  INTEGER,
	PRIMARY KEY (list_id, paper_id)
) STRICT, WITHOUT ROWID;

-- "Which of my lists hold this paper?" on every paper page.
CREATE INDEX reading_list_papers_paper ON reading_list_papers (paper_id);

-- BibTeX imports look papers up by DOI, which compares without regard to
-- case.
CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi != '';
