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

// subscriptionColumns are the subscriptions columns in the order
// scanSubscription reads them.
const subscriptionColumns = `id, email, frequency, topics, confirmed_at, unsubscribed_at, suppressed_at,
	created_at, updated_at`

func scanSubscription(row pgx.Row) (*quire.Subscription, error) {
	s := &quire.Subscription{}
	var freq string
	var topics []byte
	var confirmed, unsubscribed, suppressed, created, updated pgtype.Timestamptz
	if err := row.Scan(&s.ID, &s.Email, &freq, &topics, &confirmed, &unsubscribed, &suppressed,
		&created, &updated); err != nil {
		return nil, err
	}
	s.Frequency = quire.Frequency(freq)
	if err := json.Unmarshal(topics, &s.Topics); err != nil {
		return nil, err
	}
	s.ConfirmedAt = timeFromNull(confirmed)
	s.UnsubscribedAt = timeFromNull(unsubscribed)
	s.SuppressedAt = timeFromNull(suppressed)
	s.CreatedAt = timeFromNull(created)
	s.UpdatedAt = timeFromNull(updated)
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
	at := input.OrNow(s.CreatedAt)
	var out *quire.Subscription
	err = db.transact(ctx, func(tx pgx.Tx) error {
		// Two requests for a new address at once: the second waits for
		// the first's insert and then takes the conflict path. The
		// upsert's WHERE leaves an active or suppressed row alone (locked,
		// returning nothing), and it is then read as it is.
		var err error
		out, err = scanSubscription(tx.QueryRow(ctx, `INSERT INTO subscriptions
				(email, frequency, topics, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (email) DO UPDATE SET frequency = excluded.frequency, topics = excluded.topics,
				confirmed_at = NULL, unsubscribed_at = NULL, updated_at = excluded.updated_at
			WHERE subscriptions.suppressed_at IS NULL
				AND (subscriptions.confirmed_at IS NULL OR subscriptions.unsubscribed_at IS NOT NULL)
			RETURNING `+subscriptionColumns,
			s.Email, string(s.Frequency), topicsJSON(s.Topics), at))
		if errors.Is(err, pgx.ErrNoRows) {
			out, err = scanSubscription(tx.QueryRow(ctx,
				`SELECT `+subscriptionColumns+` FROM subscriptions WHERE email = $1`, s.Email))
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
	return db.findSubscription(ctx, `id = $1`, id)
}

// FindSubscriptionByEmail returns the subscription of an address, whatever
// its case, or an error of kind quire.ErrNotFound.
func (db *DB) FindSubscriptionByEmail(ctx context.Context, email string) (_ *quire.Subscription, err error) {
	defer quire.Wrap(&err, "FindSubscriptionByEmail")
	addr, err := quire.NormalizeEmail(email)
	if err != nil {
		return nil, quire.ErrNotFound // no subscription has an invalid address
	}
	return db.findSubscription(ctx, `email = $1`, addr)
}

// findSubscription reads the subscription that cond (a constant) selects.
func (db *DB) findSubscription(ctx context.Context, cond string, arg any) (*quire.Subscription, error) {
	s, err := scanSubscription(db.pool.QueryRow(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE `+cond, arg))
	if errors.Is(err, pgx.ErrNoRows) {
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
	return db.changeSubscription(ctx, id, `UPDATE subscriptions SET confirmed_at = $1, updated_at = $1
		WHERE id = $2 AND confirmed_at IS NULL AND unsubscribed_at IS NULL`, input.OrNow(at), id)
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
	return db.changeSubscription(ctx, id, `UPDATE subscriptions SET frequency = $1, topics = $2, updated_at = $3
		WHERE id = $4`, string(f), topicsJSON(t), input.OrNow(time.Time{}), id)
}

// Unsubscribe ends a subscription at at (now when zero); its queued digests
// are no longer claimed. Unsubscribing twice changes nothing.
func (db *DB) Unsubscribe(ctx context.Context, id int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "Unsubscribe(%d)", id)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	if err := db.changeSubscription(ctx, id, `UPDATE subscriptions SET unsubscribed_at = $1, updated_at = $1
		WHERE id = $2 AND unsubscribed_at IS NULL`, input.OrNow(at), id); err != nil {
		return err
	}
	// Its queued digests are given up, so that claims never have to pass
	// over them.
	_, err = db.pool.Exec(ctx, `UPDATE digests SET status = 'failed', last_error = 'unsubscribed'
		WHERE subscription_id = $1 AND status = 'pending'`, id)
	return err
}

// changeSubscription runs update (a constant), which may leave the row as
// it is, and returns an error of kind quire.ErrNotFound when there is no
// subscription id.
func (db *DB) changeSubscription(ctx context.Context, id int64, update string, args ...any) error {
	tag, err := db.pool.Exec(ctx, update, args...)
	if err != nil || tag.RowsAffected() > 0 {
		return err
	}
	// Subscriptions are never deleted: one that existed when the update
	// ran exists now.
	return subscriptionExists(ctx, db.pool, id)
}

// rowQuerier is a pool or a transaction.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// subscriptionExists returns an error of kind quire.ErrNotFound when there
// is no subscription id.
func subscriptionExists(ctx context.Context, q rowQuerier, id int64) error {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return quire.NotFoundf("There is no subscription %d.", id)
	}
	return nil
}

// ListActiveSubscriptions returns at most limit active subscriptions of
// frequency f with IDs above afterID, in ID order.
func (db *DB) ListActiveSubscriptions(ctx context.Context, f quire.Frequency, afterID int64, limit int) (_ []*quire.Subscription, err error) {
	defer quire.Wrap(&err, "ListActiveSubscriptions(%q, %d, %d)", f, afterID, limit)
	if f, err = quire.ParseFrequency(string(f)); err != nil {
		return nil, err
	}
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE frequency = $1 AND id > $2 AND confirmed_at IS NOT NULL
			AND unsubscribed_at IS NULL AND suppressed_at IS NULL
		ORDER BY id LIMIT $3`, string(f), afterID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.Subscription, error) { return scanSubscription(row) })
}
