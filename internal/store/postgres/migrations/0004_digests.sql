-- E-mail digests: subscriptions (double opt-in, no account needed), the
-- outbox of digests, and the papers each subscription has been given.

-- Addresses are stored in lower case, so UNIQUE makes one row per address
-- whatever its case: a second request for an address updates that row.
-- A subscription is active when confirmed_at is set and neither
-- unsubscribed_at nor suppressed_at is; rows are never deleted, so that an
-- address that left or bounced is remembered.
CREATE TABLE subscriptions (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email           text COLLATE "C" NOT NULL UNIQUE,
	frequency       text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
	topics          jsonb NOT NULL DEFAULT '{}',
	confirmed_at    timestamptz,
	unsubscribed_at timestamptz,
	suppressed_at   timestamptz,
	created_at      timestamptz NOT NULL,
	updated_at      timestamptz NOT NULL
);

-- The outbox: one row per subscription and period, written before any mail
-- goes out, so that a node that dies mid-run leaves rows another node can
-- finish, and a second run for the period adds nothing (UNIQUE). The
-- papers are chosen when the row is written, so a retry sends the same
-- message.
CREATE TABLE digests (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	subscription_id bigint NOT NULL REFERENCES subscriptions (id),
	period_key      text COLLATE "C" NOT NULL,
	paper_ids       text[] NOT NULL DEFAULT '{}',
	sections        jsonb NOT NULL DEFAULT '[]',
	status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
	attempts        integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL,
	lease_until     timestamptz,
	last_error      text NOT NULL DEFAULT '',
	message_id      text NOT NULL DEFAULT '',
	sent_at         timestamptz,
	created_at      timestamptz NOT NULL,
	UNIQUE (subscription_id, period_key)
);

-- A claim looks for pending rows that are due and sending rows whose lease
-- has passed. Sent and failed rows, nearly all of the table after a few
-- periods, are in neither partial index, so a claim reads only rows that
-- are still to be delivered (a BitmapOr of the two).
CREATE INDEX digests_pending ON digests (next_attempt_at) WHERE status = 'pending';
CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';

-- A period's run is counted by status (DigestStats).
CREATE INDEX digests_period ON digests (period_key, status);

-- The papers each subscription has been given, so that a paper that stays
-- on the trending list or matches a topic again is not sent twice.
-- Written with the digest that gives them; the primary key serves the
-- lookup of one subscription's papers.
CREATE TABLE digest_papers (
	subscription_id bigint NOT NULL REFERENCES subscriptions (id),
	paper_id        text COLLATE "C" NOT NULL REFERENCES papers (id),
	PRIMARY KEY (subscription_id, paper_id)
);
