-- E-mail digests: subscriptions (double opt-in, no account needed), the
-- outbox of digests, and the papers each subscription has been given.
-- Times are Unix seconds (NULL when not set), lists JSON text.

-- Addresses are stored in lower case, so UNIQUE makes one row per address
-- whatever its case: a second request for an address updates that row.
-- A subscription is active when confirmed_at is set and neither
-- unsubscribed_at nor suppressed_at is; rows are never deleted, so that an
-- address that left or bounced is remembered.
CREATE TABLE subscriptions (
	id              INTEGER PRIMARY KEY,
	email           TEXT NOT NULL UNIQUE,
	frequency       TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
	topics          TEXT NOT NULL DEFAULT '{}',
	confirmed_at    INTEGER,
	unsubscribed_at INTEGER,
	suppressed_at   INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;

-- The outbox: one row per subscription and period, written before any mail
-- goes out, so that a node that dies mid-run leaves rows another node can
-- finish, and a second run for the period adds nothing (UNIQUE). The
-- papers are chosen when the row is written, so a retry sends the same
-- message.
CREATE TABLE digests (
	id              INTEGER PRIMARY KEY,
	subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
	period_key      TEXT NOT NULL,
	paper_ids       TEXT NOT NULL DEFAULT '[]',
	sections        TEXT NOT NULL DEFAULT '[]',
	status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_until     INTEGER,
	last_error      TEXT NOT NULL DEFAULT '',
	message_id      TEXT NOT NULL DEFAULT '',
	sent_at         INTEGER,
	created_at      INTEGER NOT NULL,
	UNIQUE (subscription_id, period_key)
) STRICT;

-- A claim looks for pending rows that are due and sending rows whose lease
-- has passed. Sent and failed rows, nearly all of the table after a few
-- periods, are in neither partial index, so a claim reads only rows that
-- are still to be delivered.
CREATE INDEX digests_pending ON digests (next_attempt_at) WHERE status = 'pending';
CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';

-- A period's run is counted by status (DigestStats).
CREATE INDEX digests_period ON digests (period_key, status);

-- The papers each subscription has been given, so that a paper that stays
-- on the trending list or matches a topic again is not sent twice.
-- Written with the digest that gives them; the primary key serves the
-- lookup of one subscription's papers.
CREATE TABLE digest_papers (
	subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
	paper_id        TEXT NOT NULL REFERENCES papers (id),
	PRIMARY KEY (subscription_id, paper_id)
) STRICT, WITHOUT ROWID;
