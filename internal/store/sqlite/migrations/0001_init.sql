-- The catalogue. List-valued columns hold JSON arrays; times are Unix
-- seconds (NULL when unknown); days are 'YYYY-MM-DD' text, which sorts.
CREATE TABLE papers (
	id          TEXT PRIMARY KEY,
	version     INTEGER NOT NULL DEFAULT 0,
	title       TEXT NOT NULL,
	authors     TEXT NOT NULL DEFAULT '[]',
	abstract    TEXT NOT NULL DEFAULT '',
	categories  TEXT NOT NULL DEFAULT '[]',
	published_at INTEGER,
	updated_at  INTEGER,
	comments    TEXT NOT NULL DEFAULT '',
	journal_ref TEXT NOT NULL DEFAULT '',
	doi         TEXT NOT NULL DEFAULT '',
	license     TEXT NOT NULL DEFAULT '',
	project_url TEXT NOT NULL DEFAULT '',
	code_url    TEXT NOT NULL DEFAULT '',
	versions    TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE TABLE daily_entries (
	day                TEXT NOT NULL,
	paper_id           TEXT NOT NULL REFERENCES papers(id),
	title              TEXT NOT NULL DEFAULT '',
	submitted_at       INTEGER,
	submitter_name     TEXT NOT NULL DEFAULT '',
	submitter_fullname TEXT NOT NULL DEFAULT '',
	submitter_avatar   TEXT NOT NULL DEFAULT '',
	upvotes            INTEGER NOT NULL DEFAULT 0,
	num_comments       INTEGER NOT NULL DEFAULT 0,
	ai_summary         TEXT NOT NULL DEFAULT '',
	ai_keywords        TEXT NOT NULL DEFAULT '[]',
	thumbnail_url      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (day, paper_id)
) STRICT;

CREATE INDEX daily_entries_paper ON daily_entries (paper_id);
CREATE INDEX daily_entries_submitter ON daily_entries (submitter_name, day);
