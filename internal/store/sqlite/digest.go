package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// digestColumns are the columns of digests d and subscriptions s in the
// order scanDigest reads them.
const digestColumns = `d.id, d.subscription_id, s.email, d.period_key, d.paper_ids, d.sections, d.status,
	d.attempts, d.next_attempt_at, d.lease_until, d.last_error, d.message_id, d.sent_at, d.created_at`

func scanDigest(row scanner) (*quire.Digest, error) {
	d := &quire.Digest{}
	var paperIDs, sections, status string
	var next, created int64
	var lease, sent sql.NullInt64
	if err := row.Scan(&d.ID, &d.SubscriptionID, &d.Email, &d.PeriodKey, &paperIDs, &sections, &status,
		&d.Attempts, &next, &lease, &d.LastError, &d.MessageID, &sent, &created); err != nil {
		return nil, err
	}
	var err error
	if d.PaperIDs, err = jsonStrings(paperIDs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sections), &d.Sections); err != nil {
		return nil, err
	}
	if len(d.Sections) == 0 {
		d.Sections = nil
	}
	d.Status = quire.DigestStatus(status)
	d.NextAttemptAt = unixTime(next)
	d.LeaseUntil = timeFromNull(lease)
	d.SentAt = timeFromNull(sent)
	d.CreatedAt = unixTime(created)
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
// nothing is stored.
func (db *DB) EnqueueDigests(ctx context.Context, digests []*quire.Digest) (n int, err error) {
	defer quire.Wrap(&err, "EnqueueDigests(%d digests)", len(digests))
	for _, d := range digests {
		if err := input.CheckDigest(d); err != nil {
			return 0, err
		}
	}
	now := input.OrNow(time.Time{})
	err = db.transact(ctx, func(tx *sql.Tx) error {
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
			res, err := tx.ExecContext(ctx, `INSERT INTO digests (subscription_id, period_key, paper_ids, sections,
					next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
				ON CONFLICT (subscription_id, period_key) DO NOTHING`,
				d.SubscriptionID, d.PeriodKey, jsonText(d.PaperIDs), sectionsJSON(d.Sections), created.Unix())
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if k == 0 {
				continue // queued already
			}
			n++
			if len(d.PaperIDs) == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO digest_papers (subscription_id, paper_id)
				SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`,
				d.SubscriptionID, jsonText(d.PaperIDs)); err != nil {
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
func papersExist(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var missing sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT j.value FROM json_each(?) j
		WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.id = j.value) ORDER BY j.key LIMIT 1`,
		jsonText(ids)).Scan(&missing)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return quire.NotFoundf("There is no paper %s.", missing.String)
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
	rows, err := db.queryRead(ctx, `SELECT paper_id FROM digest_papers
		WHERE subscription_id = ? AND paper_id IN (SELECT value FROM json_each(?))`, subscriptionID, jsonText(want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		given[id] = true
	}
	return given, rows.Err()
}

// leaseEnd is when a lease of length lease taken at now ends, rounded up to
// the second: a lease may last a little longer than asked, never shorter.
func leaseEnd(now time.Time, lease time.Duration) time.Time {
	end := now.Add(lease)
	if t := end.Truncate(time.Second); t.Before(end) {
		return t.Add(time.Second)
	}
	return end
}

// ClaimDigests claims at most limit digests due at now (see
// quire.DigestStore). SQLite has one writer at a time, so the write
// transaction that finds the due rows also claims them before any other
// claim can look.
func (db *DB) ClaimDigests(ctx context.Context, now time.Time, lease time.Duration, limit int) (claimed []*quire.Digest, err error) {
	defer quire.Wrap(&err, "ClaimDigests(%d)", limit)
	if err := input.CheckClaim(now, lease, limit); err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	at := now.Unix()
	until := leaseEnd(now, lease).Unix()
	err = db.transact(ctx, func(tx *sql.Tx) error {
		claimed = nil
		var ids []int64
		rows, err := tx.QueryContext(ctx, `SELECT d.id FROM digests d JOIN subscriptions s ON s.id = d.subscription_id
			WHERE ((d.status = 'pending' AND d.next_attempt_at <= ?1) OR (d.status = 'sending' AND d.lease_until <= ?1))
				AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL AND s.suppressed_at IS NULL
			ORDER BY d.id LIMIT ?2`, at, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		list := jsonInts(ids)
		if _, err := tx.ExecContext(ctx, `UPDATE digests SET status = 'sending', lease_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT value FROM json_each(?))`, until, list); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT `+digestColumns+` FROM digests d JOIN subscriptions s ON s.id = d.subscription_id
			WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.id`, list)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDigest(rows)
			if err != nil {
				return err
			}
			claimed = append(claimed, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if claimed == nil {
		claimed = []*quire.Digest{}
	}
	return claimed, nil
}

func jsonInts(ids []int64) string {
	b, err := json.Marshal(ids)
	if err != nil {
		panic(err)
	}
	return string(b)
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
	return db.moveDigest(ctx, id, "marked sent", `UPDATE digests
		SET status = 'sent', message_id = ?, sent_at = ?, lease_until = NULL
		WHERE id = ? AND status = 'sending'`, messageID, input.OrNow(at).Unix(), id)
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
		SET status = 'pending', next_attempt_at = ?, last_error = ?, lease_until = NULL, message_id = '', sent_at = NULL
		WHERE id = ? AND status IN ('sending', 'sent')`, input.OrNow(next).Unix(), input.ErrorText(lastError), id)
}

// FailDigest gives a digest up with its error; suppress also suppresses its
// subscription at at (now when zero). A pending, sending or sent digest may
// be given up; one given up already is an error of kind quire.ErrConflict.
func (db *DB) FailDigest(ctx context.Context, id int64, lastError string, suppress bool, at time.Time) (err error) {
	defer quire.Wrap(&err, "FailDigest(%d)", id)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	t := input.OrNow(at).Unix()
	return db.transact(ctx, func(tx *sql.Tx) error {
		var sub int64
		err := tx.QueryRowContext(ctx, `UPDATE digests SET status = 'failed', last_error = ?, lease_until = NULL
			WHERE id = ? AND status IN ('pending', 'sending', 'sent') RETURNING subscription_id`,
			input.ErrorText(lastError), id).Scan(&sub)
		if errors.Is(err, sql.ErrNoRows) {
			return digestStateError(ctx, tx, id, "given up")
		}
		if err != nil || !suppress {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE subscriptions SET suppressed_at = ?1, updated_at = ?1
			WHERE id = ?2 AND suppressed_at IS NULL`, t, sub); err != nil {
			return err
		}
		// The address's other queued digests go with it.
		_, err = tx.ExecContext(ctx, `UPDATE digests SET status = 'failed', last_error = 'address suppressed'
			WHERE subscription_id = ? AND status = 'pending'`, sub)
		return err
	})
}

// moveDigest runs update (a constant) in a write transaction; when it
// changes no row, it returns an error of kind quire.ErrNotFound or
// quire.ErrConflict saying why.
func (db *DB) moveDigest(ctx context.Context, id int64, verb string, update string, args ...any) error {
	return db.transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		return digestStateError(ctx, tx, id, verb)
	})
}

// digestStateError explains why digest id could not be verb: it does not
// exist (quire.ErrNotFound) or its status does not allow it
// (quire.ErrConflict).
func digestStateError(ctx context.Context, tx *sql.Tx, id int64, verb string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM digests WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
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
	d, err := scanDigest(db.queryRowRead(ctx, `SELECT `+digestColumns+`
		FROM digests d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := db.queryRead(ctx, `SELECT status, count(*) FROM digests WHERE period_key = ? GROUP BY status`, periodKey)
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
