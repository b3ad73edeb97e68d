-- Community: accounts, their sessions, API tokens, votes, comments and
-- submissions, moderation and its audit log, and rate-limit counters.
-- Accounts, comments and entries are never deleted, so foreign keys to them
-- need no index on the child side.

-- Usernames and e-mail addresses are stored in lower case, so UNIQUE makes
-- them unique whatever their case.
CREATE TABLE accounts (
	id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username          text COLLATE "C" NOT NULL UNIQUE,
	email             text COLLATE "C" NOT NULL UNIQUE,
	password_hash     text NOT NULL,
	role              text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
	email_verified_at timestamptz,
	disabled_at       timestamptz,
	created_at        timestamptz NOT NULL
);

-- token_hash is the SHA-256 of the cookie's token.
CREATE TABLE sessions (
	token_hash   bytea PRIMARY KEY,
	account_id   bigint NOT NULL REFERENCES accounts (id),
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	last_seen_at timestamptz NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id   bigint NOT NULL REFERENCES accounts (id),
	name         text NOT NULL,
	hash         bytea NOT NULL UNIQUE,
	prefix       text NOT NULL,
	created_at   timestamptz NOT NULL,
	last_used_at timestamptz,
	revoked_at   timestamptz
);

CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE votes (
	account_id bigint NOT NULL REFERENCES accounts (id),
	paper_id   text COLLATE "C" NOT NULL REFERENCES papers (id),
	created_at timestamptz NOT NULL,
	PRIMARY KEY (account_id, paper_id)
);

-- A paper's community counts: its votes and its visible comments, kept by
-- the transactions that change them (which also move the paper up the
-- change feed, writing the row anyway), so lists read them with the paper
-- instead of counting.
ALTER TABLE papers ADD COLUMN vote_count bigint NOT NULL DEFAULT 0;
ALTER TABLE papers ADD COLUMN comment_count bigint NOT NULL DEFAULT 0;

-- A deleted comment keeps its row, with an empty body, so that replies keep
-- their place in the thread.
CREATE TABLE comments (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	paper_id   text COLLATE "C" NOT NULL REFERENCES papers (id),
	parent_id  bigint REFERENCES comments (id),
	account_id bigint NOT NULL REFERENCES accounts (id),
	body       text NOT NULL,
	created_at timestamptz NOT NULL,
	edited_at  timestamptz,
	deleted_at timestamptz,
	hidden_at  timestamptz
);

CREATE INDEX comments_paper ON comments (paper_id, id);

-- Entries submitted here name their account; moderators may hide entries
-- and papers. Columns without a default are added without rewriting the
-- tables.
ALTER TABLE daily_entries
	ADD COLUMN account_id bigint REFERENCES accounts (id),
	ADD COLUMN hidden_at timestamptz;

CREATE INDEX daily_entries_account ON daily_entries (account_id, day) WHERE account_id IS NOT NULL;

ALTER TABLE papers ADD COLUMN hidden_at timestamptz;

-- actor_id is NULL for an operator on the command line.
CREATE TABLE audit_log (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	actor_id    bigint REFERENCES accounts (id),
	action      text NOT NULL,
	target_kind text NOT NULL,
	target_id   text NOT NULL,
	reason      text NOT NULL DEFAULT '',
	at          timestamptz NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at, id);

-- One row per key and fixed window; window_start and expires_at are Unix
-- seconds. Unlogged: counters are written on many requests and worth
-- nothing after a crash, which empties the table.
CREATE UNLOGGED TABLE rate_limits (
	key          text COLLATE "C" NOT NULL,
	window_start bigint NOT NULL,
	hits         bigint NOT NULL,
	expires_at   bigint NOT NULL,
	PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
