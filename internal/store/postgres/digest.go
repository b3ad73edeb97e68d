package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// digestColumns are the columns of digests d and subscriptions s in the
// order scanDigest reads them.
const digestColumns = `d.id, d.subscription_id, s.email, d.period_key, d.paper_ids, d.sections, d.status,
	d.attempts, d.next_attempt_at, d.lease_until, d.last_error, d.message_id, d.sent_at, d.created_at`

func scanDigest(row pgx.Row) (*quire.Digest, error) {
	d := &quire.Digest{}
	var sections []byte
	var status string
	var next, lease, sent, created pgtype.Timestamptz
	if err := row.Scan(&d.ID, &d.SubscriptionID, &d.Email, &d.PeriodKey, &d.PaperIDs, &sections, &status,
		&d.Attempts, &next, &lease, &d.LastError, &d.MessageID, &sent, &created); err != nil {
		return nil, err
	}
	d.PaperIDs = nilIfEmpty(d.PaperIDs)
	if err := json.Unmarshal(sections, &d.Sections); err != nil {
		return nil, err
	}
	if len(d.Sections) == 0 {
		d.Sections = nil
	}
	d.Status = quire.DigestStatus(status)
	d.NextAttemptAt = timeFromNull(next)
	d.LeaseUntil = timeFromNull(lease)
	d.SentAt = timeFromNull(sent)
	d.CreatedAt = timeFromNull(created)
	return d, nil
}

// sectionsJSON encodes sections; they hold only strings and numbers.
func sectionsJSON(s []quire.DigestSection) string {
	if len(s) == 0 {
		return "[]"
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// EnqueueDigests stores new digests, pending from their CreatedAt (or now),
// and records their papers as given to their subscribers, in one
// transaction; a digest whose subscription and period are stored already is
// left as it is. It returns how many were new. A digest for an unknown
// subscription or paper is an error of kind quire.ErrNotFound, and then
// nothing is stored. Two nodes queuing the same period at once each insert
// only the rows the other has not: the unique key makes the second insert
// of a row wait for the first and then do nothing.
func (db *DB) EnqueueDigests(ctx context.Context, digests []*quire.Digest) (n int, err error) {
	defer quire.Wrap(&err, "EnqueueDigests(%d digests)", len(digests))
	for _, d := range digests {
		if err := input.CheckDigest(d); err != nil {
			return 0, err
		}
	}
	now := input.OrNow(time.Time{})
	err = db.transact(ctx, func(tx pgx.Tx) error {
		n = 0
		for _, d := range digests {
			if err := subscriptionExists(ctx, tx, d.SubscriptionID); err != nil {
				return err
			}
			if err := papersExist(ctx, tx, d.PaperIDs); err != nil {
				return err
			}
			created := now
			if !d.CreatedAt.IsZero() {
				created = input.OrNow(d.CreatedAt)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO digests (subscription_id, period_key, paper_ids, sections,
					next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)
				ON CONFLICT (subscription_id, period_key) DO NOTHING`,
				d.SubscriptionID, d.PeriodKey, textArray(d.PaperIDs), sectionsJSON(d.Sections), created)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue // queued already
			}
			n++
			if len(d.PaperIDs) == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO digest_papers (subscription_id, paper_id)
				SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
				d.SubscriptionID, d.PaperIDs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// papersExist returns an error of kind quire.ErrNotFound naming the first
// of ids that is not in the catalogue.
func papersExist(ctx context.Context, tx pgx.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var missing string
	err := tx.QueryRow(ctx, `SELECT i.id FROM unnest($1::text[]) WITH ORDINALITY AS i (id, n)
		WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.id = i.id) ORDER BY i.n LIMIT 1`, ids).Scan(&missing)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return quire.NotFoundf("There is no paper %s.", missing)
}

// FindGivenPapers reports which of paperIDs the subscription has had in an
// earlier digest.
func (db *DB) FindGivenPapers(ctx context.Context, subscriptionID int64, paperIDs []string) (_ map[string]bool, err error) {
	defer quire.Wrap(&err, "FindGivenPapers(%d, %d ids)", subscriptionID, len(paperIDs))
	given := map[string]bool{}
	want := input.LookupIDs(paperIDs)
	if len(want) == 0 {
		return given, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT paper_id FROM digest_papers
		WHERE subscription_id = $1 AND paper_id = ANY ($2)`, subscriptionID, want)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		given[id] = true
	}
	return given, nil
}

// leaseEnd is when a lease of length lease taken at now ends, rounded up to
// the second: a lease may last a little longer than asked, never shorter.
func leaseEnd(now time.Time, lease time.Duration) time.Time {
	end := now.Add(lease).UTC()
	if t := end.Truncate(time.Second); t.Before(end) {
		return t.Add(time.Second)
	}
	return end
}

// ClaimDigests claims at most limit digests due at now (see
// quire.DigestStore) in one statement. The due rows are locked as they are
// found, skipping rows another claim holds, so concurrent claims on any
// number of nodes take disjoint rows without waiting for each other. A row
// another claim took and committed meanwhile is checked again once locked
// (READ COMMITTED), and is then no longer due.
func (db *DB) ClaimDigests(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []*quire.Digest, err error) {
	defer quire.Wrap(&err, "ClaimDigests(%d)", limit)
	if err := input.CheckClaim(now, lease, limit); err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	// The stored times are whole seconds; now is too, so that a claim at
	// 12:00:00.5 finds what one at 12:00:00 would.
	at := now.UTC().Truncate(time.Second)
	// The due digests are found from the outbox alone, through its partial
	// indexes, before the subscriptions are looked at: joined first, the
	// planner may walk every subscription for each claim (as it does when
	// the tables were just filled and have no statistics yet). Digests of
	// ended subscriptions are given up when they end, so few candidates
	// fall out; a few more candidates than the limit make up for them and
	// for rows other nodes are claiming at that instant.
	rows, err := db.pool.Query(ctx, `WITH cand AS MATERIALIZED (
			SELECT id FROM digests WHERE status = 'pending' AND next_attempt_at <= $1
			UNION
			SELECT id FROM digests WHERE status = 'sending' AND lease_until <= $1
			ORDER BY id LIMIT $4
		), due AS (
			SELECT d.id FROM cand JOIN digests d ON d.id = cand.id JOIN subscriptions s ON s.id = d.subscription_id
			WHERE ((d.status = 'pending' AND d.next_attempt_at <= $1) OR (d.status = 'sending' AND d.lease_until <= $1))
				AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL AND s.suppressed_at IS NULL
			ORDER BY d.id LIMIT $3
			FOR UPDATE OF d SKIP LOCKED
		), claimed AS (
			UPDATE digests SET status = 'sending', lease_until = $2, attempts = digests.attempts + 1
			FROM due WHERE digests.id = due.id
			RETURNING digests.*
		)
		SELECT `+digestColumns+` FROM claimed d JOIN subscriptions s ON s.id = d.subscription_id ORDER BY d.id`,
		at, leaseEnd(now, lease), limit, 4*limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.Digest, error) { return scanDigest(row) })
}

// MarkDigestSent records that digest id, which must be sending, was handed
// over with messageID at at (now when zero). Any other status is an error
// of kind quire.ErrConflict.
func (db *DB) MarkDigestSent(ctx context.Context, id int64, messageID string, at time.Time) (err error) {
	defer quire.Wrap(&err, "MarkDigestSent(%d)", id)
	if len(messageID) > input.MaxMessageIDLen || !input.IsText(messageID) {
		return quire.Invalidf("message id is longer than %d bytes or not text", input.MaxMessageIDLen)
	}
	if err := input.CheckTime(at); err != nil {
		return err
	}
	// The mark is committed without waiting for the WAL flush: a database
	// crash may forget the last fraction of a second of marks, and those
	// digests then go again under the same Message-ID (delivery is at
	// least once anyway), while waiting for a flush per message would cap
	// a node at the disk's flush rate. Queueing stays fully durable.
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE digests
			SET status = 'sent', message_id = $1, sent_at = $2, lease_until = NULL
			WHERE id = $3 AND status = 'sending'`, messageID, input.OrNow(at), id)
		if err != nil || tag.RowsAffected() > 0 {
			return err
		}
		return digestStateError(ctx, tx, id, "marked sent")
	})
}

// RetryDigest puts a sending digest back to pending until next (now when
// zero), with the error that stopped it. A digest marked sent may be put
// back too: the server may refuse the message after it was marked, at the
// end of the transaction. Attempts stays as the claim counted it.
func (db *DB) RetryDigest(ctx context.Context, id int64, next time.Time, lastError string) (err error) {
	defer quire.Wrap(&err, "RetryDigest(%d)", id)
	if err := input.CheckTime(next); err != nil {
		return err
	}
	return db.moveDigest(ctx, id, "retried", `UPDATE digests
		SET status = 'pending', next_attempt_at = $1, last_error = $2, lease_until = NULL, message_id = '', sent_at = NULL
		WHERE id = $3 AND status IN ('sending', 'sent')`, input.OrNow(next), input.ErrorText(lastError), id)
}

// FailDigest gives a digest up with its error; suppress also suppresses its
// subscription at at (now when zero). A pending, sending or sent digest may
// be given up; one given up already is an error of kind quire.ErrConflict.
func (db *DB) FailDigest(ctx context.Context, id int64, lastError string, suppress bool, at time.Time) (err error) {
	defer quire.Wrap(&err, "FailDigest(%d)", id)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		var sub int64
		err := tx.QueryRow(ctx, `UPDATE digests SET status = 'failed', last_error = $1, lease_until = NULL
			WHERE id = $2 AND status IN ('pending', 'sending', 'sent') RETURNING subscription_id`,
			input.ErrorText(lastError), id).Scan(&sub)
		if errors.Is(err, pgx.ErrNoRows) {
			return digestStateError(ctx, tx, id, "given up")
		}
		if err != nil || !suppress {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE subscriptions SET suppressed_at = $1, updated_at = $1
			WHERE id = $2 AND suppressed_at IS NULL`, input.OrNow(at), sub); err != nil {
			return err
		}
		// The address's other queued digests go with it.
		_, err = tx.Exec(ctx, `UPDATE digests SET status = 'failed', last_error = 'address suppressed'
			WHERE subscription_id = $1 AND status = 'pending'`, sub)
		return err
	})
}

// moveDigest runs update (a constant); when it changes no row, it returns
// an error of kind quire.ErrNotFound or quire.ErrConflict saying why.
func (db *DB) moveDigest(ctx context.Context, id int64, verb string, update string, args ...any) error {
	tag, err := db.pool.Exec(ctx, update, args...)
	if err != nil || tag.RowsAffected() > 0 {
		return err
	}
	return digestStateError(ctx, db.pool, id, verb)
}

// digestStateError explains why digest id could not be verb: it does not
// exist (quire.ErrNotFound) or its status does not allow it
// (quire.ErrConflict).
func digestStateError(ctx context.Context, q rowQuerier, id int64, verb string) error {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM digests WHERE id = $1`, id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return quire.NotFoundf("There is no digest %d.", id)
	}
	if err != nil {
		return err
	}
	return quire.Conflictf("Digest %d is %s, so it cannot be %s.", id, status, verb)
}

// FindDigest returns a digest by ID, or an error of kind quire.ErrNotFound.
func (db *DB) FindDigest(ctx context.Context, id int64) (_ *quire.Digest, err error) {
	defer quire.Wrap(&err, "FindDigest(%d)", id)
	d, err := scanDigest(db.pool.QueryRow(ctx, `SELECT `+digestColumns+`
		FROM digests d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.NotFoundf("There is no digest %d.", id)
	}
	return d, err
}

// DigestStats counts the digests of a period by status.
func (db *DB) DigestStats(ctx context.Context, periodKey string) (st quire.DigestRunStats, err error) {
	defer quire.Wrap(&err, "DigestStats(%q)", periodKey)
	if !input.IsText(periodKey) {
		return st, nil // no period has such a key
	}
	rows, err := db.pool.Query(ctx, `SELECT status, count(*) FROM digests WHERE period_key = $1 GROUP BY status`, periodKey)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return st, err
		}
		switch quire.DigestStatus(status) {
		case quire.DigestPending:
			st.Pending = n
		case quire.DigestSending:
			st.Sending = n
		case quire.DigestSent:
			st.Sent = n
		case quire.DigestFailed:
			st.Failed = n
		}
	}
	return st, rows.Err()
}
