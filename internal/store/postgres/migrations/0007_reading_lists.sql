-- Reading lists: members save papers to named lists, private or public,
-- with a note and a read mark per paper. name_key is the name in lower case
-- (computed by the application, so that both backends agree), and UNIQUE
-- makes names unique per account whatever their case.
CREATE TABLE reading_lists (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id  bigint NOT NULL REFERENCES accounts (id),
	name        text NOT NULL,
	name_key    text COLLATE "C" NOT NULL,
	description text NOT NULL DEFAULT '',
	public      boolean NOT NULL DEFAULT false,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	UNIQUE (account_id, name_key)
);

CREATE TABLE reading_list_papers (
	list_id  bigint NOT NULL REFERENCES reading_lists (id) ON DELETE CASCADE,
	paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
	note     text NOT NULL DEFAULT '',
	saved_at timestamptz NOT NULL,
	read_at  timestamptz,
	PRIMARY KEY (list_id, paper_id)
);

-- "Which of my lists hold this paper?" on every paper page.
CREATE INDEX reading_list_papers_paper ON reading_list_papers (paper_id);

-- BibTeX imports look papers up by DOI, which compares without regard to
-- case.
CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi <> '';
