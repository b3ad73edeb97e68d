-- Community: accounts, their sessions, API tokens, votes, comments and
-- submissions, moderation and its audit log, and rate-limit counters. Times
-- are Unix seconds (NULL when not set). Accounts, comments and entries are
-- never deleted, so foreign keys to them need no index on the child side.

-- Usernames and e-mail addresses are stored in lower case, so UNIQUE makes
-- them unique whatever their case.
CREATE TABLE accounts (
	id                INTEGER PRIMARY KEY,
	username          TEXT NOT NULL UNIQUE,
	email             TEXT NOT NULL UNIQUE,
	password_hash     TEXT NOT NULL,
	role              TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
	email_verified_at INTEGER,
	disabled_at       INTEGER,
	created_at        INTEGER NOT NULL
) STRICT;

-- token_hash is the SHA-256 of the cookie's token.
CREATE TABLE sessions (
	token_hash   BLOB PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts (id),
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts (id),
	name         TEXT NOT NULL,
	hash         BLOB NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at   INTEGER
) STRICT;

CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE votes (
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	paper_id   TEXT NOT NULL REFERENCES papers (id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, paper_id)
) STRICT, WITHOUT ROWID;

-- A paper's community counts: its votes and its visible comments, kept by
-- the transactions that change them (which also move the paper up the
-- change feed, writing the row anyway), so lists read them with the paper
-- instead of counting.
ALTER TABLE papers ADD COLUMN vote_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE papers ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;

-- A deleted comment keeps its row, with an empty body, so that replies keep
-- their place in the thread.
CREATE TABLE comments (
	id         INTEGER PRIMARY KEY,
	paper_id   TEXT NOT NULL REFERENCES papers (id),
	parent_id  INTEGER REFERENCES comments (id),
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	body       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	edited_at  INTEGER,
	deleted_at INTEGER,
	hidden_at  INTEGER
) STRICT;

-- Threads read in id order: the rowid rides along with every index entry.
CREATE INDEX comments_paper ON comments (paper_id);

-- Entries submitted here name their account; moderators may hide entries
-- and papers.
ALTER TABLE daily_entries ADD COLUMN account_id INTEGER REFERENCES accounts (id);
ALTER TABLE daily_entries ADD COLUMN hidden_at INTEGER;
CREATE INDEX daily_entries_account ON daily_entries (account_id, day);

ALTER TABLE papers ADD COLUMN hidden_at INTEGER;

-- actor_id is NULL for an operator on the command line.
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	actor_id    INTEGER REFERENCES accounts (id),
	action      TEXT NOT NULL,
	target_kind TEXT NOT NULL,
	target_id   TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	at          INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at, id);

-- One row per key and fixed window; window_start and expires_at are Unix
-- seconds.
CREATE TABLE rate_limits (
	key          TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	hits         INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	PRIMARY KEY (key, window_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
