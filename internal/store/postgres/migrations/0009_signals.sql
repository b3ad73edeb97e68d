-- Signals of the personal feed that no other table keeps: pages a member
-- opened and papers marked "not interested" (upvotes are in votes, saves in
-- reading_list_papers), and the cold-start choices.
CREATE TABLE paper_signals (
	account_id bigint NOT NULL REFERENCES accounts (id),
	paper_id   text COLLATE "C" NOT NULL REFERENCES papers (id),
	kind       text NOT NULL CHECK (kind IN ('opened', 'not_interested')),
	at         timestamptz NOT NULL,
	PRIMARY KEY (account_id, kind, paper_id)
);

-- kind is 'category', 'author' or 'paper'; position keeps the order given.
CREATE TABLE interests (
	account_id bigint NOT NULL REFERENCES accounts (id),
	kind       text NOT NULL CHECK (kind IN ('category', 'author', 'paper')),
	position   integer NOT NULL,
	value      text NOT NULL,
	PRIMARY KEY (account_id, kind, position)
);

-- When the choices were last saved, also for an account that cleared them.
CREATE TABLE interests_updated (
	account_id bigint PRIMARY KEY REFERENCES accounts (id),
	at         timestamptz NOT NULL
);
