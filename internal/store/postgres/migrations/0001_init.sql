-- The catalogue. Identifiers and account names use the "C" collation: ids
-- then sort bytewise, as on SQLite, whatever the database's locale, and
-- their indexes compare faster. A zero time is stored as NULL.
CREATE TABLE papers (
	id           text COLLATE "C" PRIMARY KEY,
	version      bigint NOT NULL DEFAULT 0,
	title        text NOT NULL,
	authors      text[] NOT NULL DEFAULT '{}',
	abstract     text NOT NULL DEFAULT '',
	categories   text[] NOT NULL DEFAULT '{}',
	published_at timestamptz,
	updated_at   timestamptz,
	comments     text NOT NULL DEFAULT '',
	journal_ref  text NOT NULL DEFAULT '',
	doi          text NOT NULL DEFAULT '',
	license      text NOT NULL DEFAULT '',
	project_url  text NOT NULL DEFAULT '',
	code_url     text NOT NULL DEFAULT '',
	-- [{"n": 1, "created": "2024-06-03T17:59:59Z"}, ...], oldest first.
	versions     jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE daily_entries (
	day                date NOT NULL,
	paper_id           text COLLATE "C" NOT NULL REFERENCES papers (id),
	title              text NOT NULL DEFAULT '',
	submitted_at       timestamptz,
	submitter_name     text COLLATE "C" NOT NULL DEFAULT '',
	submitter_fullname text NOT NULL DEFAULT '',
	submitter_avatar   text NOT NULL DEFAULT '',
	upvotes            bigint NOT NULL DEFAULT 0,
	num_comments       bigint NOT NULL DEFAULT 0,
	ai_summary         text NOT NULL DEFAULT '',
	ai_keywords        text[] NOT NULL DEFAULT '{}',
	thumbnail_url      text NOT NULL DEFAULT '',
	PRIMARY KEY (day, paper_id)
);

CREATE INDEX daily_entries_paper ON daily_entries (paper_id);
CREATE INDEX daily_entries_submitter ON daily_entries (submitter_name, day);
