-- Signals of the personal feed that no other table keeps: pages a member
-- opened and papers marked "not interested" (upvotes are in votes, saves in
-- reading_list_papers), and the cold-start choices. Times are Unix seconds.
CREATE TABLE paper_signals (
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	paper_id   TEXT NOT NULL REFERENCES papers (id),
	kind       TEXT NOT NULL CHECK (kind IN ('opened', 'not_interested')),
	at         INTEGER NOT NULL,
	PRIMARY KEY (account_id, kind, paper_id)
) STRICT, WITHOUT ROWID;

-- kind is 'category', 'author' or 'paper'; position keeps the order given.
CREATE TABLE interests (
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	kind       TEXT NOT NULL CHECK (kind IN ('category', 'author', 'paper')),
	position   INTEGER NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (account_id, kind, position)
) STRICT, WITHOUT ROWID;

-- When the choices were last saved, also for an account that cleared them.
CREATE TABLE interests_updated (
	account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
	at         INTEGER NOT NULL
) STRICT;

