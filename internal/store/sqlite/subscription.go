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

// subscriptionColumns are the subscriptions columns in the order
// scanSubscription reads them.
const subscriptionColumns = `id, email, frequency, topics, confirmed_at, unsubscribed_at, suppressed_at,
	created_at, updated_at`

func scanSubscription(row scanner) (*quire.Subscription, error) {
	s := &quire.Subscription{}
	var freq, topics string
	var confirmed, unsubscribed, suppressed sql.NullInt64
	var created, updated int64
	if err := row.Scan(&s.ID, &s.Email, &freq, &topics, &confirmed, &unsubscribed, &suppressed,
		&created, &updated); err != nil {
		return nil, err
	}
	s.Frequency = quire.Frequency(freq)
	if err := json.Unmarshal([]byte(topics), &s.Topics); err != nil {
		return nil, err
	}
	s.ConfirmedAt = timeFromNull(confirmed)
	s.UnsubscribedAt = timeFromNull(unsubscribed)
	s.SuppressedAt = timeFromNull(suppressed)
	s.CreatedAt = unixTime(created)
	s.UpdatedAt = unixTime(updated)
	return s, nil
}

// topicsJSON encodes normalised topics; they hold only strings.
func topicsJSON(t quire.Topics) string {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Subscribe records a request to subscribe (see quire.SubscriptionStore).
// The request's time is in.CreatedAt, or now when it is zero. A suppressed
// address is returned unchanged, as an active one is: mail to it keeps
// failing, so it is not asked to confirm again.
func (db *DB) Subscribe(ctx context.Context, in *quire.Subscription) (_ *quire.Subscription, err error) {
	defer quire.Wrap(&err, "Subscribe")
	s, err := quire.PrepareSubscription(in)
	if err != nil {
		return nil, err
	}
	if err := input.CheckTime(s.CreatedAt); err != nil {
		return nil, err
	}
	at := input.OrNow(s.CreatedAt).Unix()
	var out *quire.Subscription
	err = db.transact(ctx, func(tx *sql.Tx) error {
		// The upsert's WHERE leaves an active or suppressed row alone, and
		// then returns nothing; the row is read as it is instead.
		var err error
		out, err = scanSubscription(tx.QueryRowContext(ctx, `INSERT INTO subscriptions
				(email, frequency, topics, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
			ON CONFLICT (email) DO UPDATE SET frequency = excluded.frequency, topics = excluded.topics,
				confirmed_at = NULL, unsubscribed_at = NULL, updated_at = excluded.updated_at
			WHERE subscriptions.suppressed_at IS NULL
				AND (subscriptions.confirmed_at IS NULL OR subscriptions.unsubscribed_at IS NOT NULL)
			RETURNING `+subscriptionColumns,
			s.Email, string(s.Frequency), topicsJSON(s.Topics), at))
		if errors.Is(err, sql.ErrNoRows) {
			out, err = scanSubscription(tx.QueryRowContext(ctx,
				`SELECT `+subscriptionColumns+` FROM subscriptions WHERE email = ?`, s.Email))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindSubscription returns a subscription by ID, or an error of kind
// quire.ErrNotFound.
func (db *DB) FindSubscription(ctx context.Context, id int64) (_ *quire.Subscription, err error) {
	defer quire.Wrap(&err, "FindSubscription(%d)", id)
	return db.findSubscription(ctx, `id = ?`, id)
}

// FindSubscriptionByEmail returns the subscription of an address, whatever
// its case, or an error of kind quire.ErrNotFound.
func (db *DB) FindSubscriptionByEmail(ctx context.Context, email string) (_ *quire.Subscription, err error) {
	defer quire.Wrap(&err, "FindSubscriptionByEmail")
	addr, err := quire.NormalizeEmail(email)
	if err != nil {
		return nil, quire.ErrNotFound // no subscription has an invalid address
	}
	return db.findSubscription(ctx, `email = ?`, addr)
}

// findSubscription reads the subscription that cond (a constant) selects.
func (db *DB) findSubscription(ctx context.Context, cond string, arg any) (*quire.Subscription, error) {
	s, err := scanSubscription(db.queryRowRead(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	return s, err
}

// ConfirmSubscription makes a pending subscription active at at (now when
// zero). Confirming an active subscription, or one that has ended, changes
// nothing.
func (db *DB) ConfirmSubscription(ctx context.Context, id int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "ConfirmSubscription(%d)", id)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	t := input.OrNow(at).Unix()
	return db.changeSubscription(ctx, id, `UPDATE subscriptions SET confirmed_at = ?1, updated_at = ?1
		WHERE id = ?2 AND confirmed_at IS NULL AND unsubscribed_at IS NULL`, t, id)
}

// UpdateSubscription replaces a subscription's frequency and topics.
func (db *DB) UpdateSubscription(ctx context.Context, id int64, f quire.Frequency, t quire.Topics) (err error) {
	defer quire.Wrap(&err, "UpdateSubscription(%d)", id)
	if f, err = quire.ParseFrequency(string(f)); err != nil {
		return err
	}
	if t, err = quire.NormalizeTopics(t); err != nil {
		return err
	}
	return db.changeSubscription(ctx, id, `UPDATE subscriptions SET frequency = ?1, topics = ?2, updated_at = ?3
		WHERE id = ?4`, string(f), topicsJSON(t), input.OrNow(time.Time{}).Unix(), id)
}

// Unsubscribe ends a subscription at at (now when zero); its queued digests
// are no longer claimed. Unsubscribing twice changes nothing.
func (db *DB) Unsubscribe(ctx context.Context, id int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "Unsubscribe(%d)", id)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	t := input.OrNow(at).Unix()
	if err := db.changeSubscription(ctx, id, `UPDATE subscriptions SET unsubscribed_at = ?1, updated_at = ?1
		WHERE id = ?2 AND unsubscribed_at IS NULL`, t, id); err != nil {
		return err
	}
	// Its queued digests are given up, so that claims never have to pass
	// over them.
	return db.transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE digests SET status = 'failed', last_error = 'unsubscribed'
			WHERE subscription_id = ? AND status = 'pending'`, id)
		return err
	})
}

// changeSubscription runs update (a constant), which may leave the row as
// it is, and returns an error of kind quire.ErrNotFound when there is no
// subscription id.
func (db *DB) changeSubscription(ctx context.Context, id int64, update string, args ...any) error {
	return db.transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		return subscriptionExists(ctx, tx, id)
	})
}

// subscriptionExists returns an error of kind quire.ErrNotFound when there
// is no subscription id.
func subscriptionExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE id = ?)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNoSubscription(id)
	}
	return nil
}

func errNoSubscription(id int64) error {
	return quire.NotFoundf("There is no subscription %d.", id)
}

// ListActiveSubscriptions returns at most limit active subscriptions of
// frequency f with IDs above afterID, in ID order.
func (db *DB) ListActiveSubscriptions(ctx context.Context, f quire.Frequency, afterID int64, limit int) (subs []*quire.Subscription, err error) {
	defer quire.Wrap(&err, "ListActiveSubscriptions(%q, %d, %d)", f, afterID, limit)
	if f, err = quire.ParseFrequency(string(f)); err != nil {
		return nil, err
	}
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.queryRead(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE frequency = ? AND id > ? AND confirmed_at IS NOT NULL
			AND unsubscribed_at IS NULL AND suppressed_at IS NULL
		ORDER BY id LIMIT ?`, string(f), afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	subs = []*quire.Subscription{}
	for rows.Next() {
		s, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		subs = append(subs, s)
	}
	return subs, rows.Err()
}
