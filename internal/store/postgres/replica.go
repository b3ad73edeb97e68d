package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Reads that serve pages and API answers, and that may lag a moment behind
// the latest writes (paper look-ups, daily lists, comment lists, the counts
// pages show), go through DB.read, which can send them to a streaming read
// replica. Everything else stays on the primary: transactions and writes,
// and the reads whose callers act on what they read at once or must not
// miss a change (sessions, accounts, tokens, rate limits, leases, the change
// feed the search index follows, the digest outbox and subscriptions,
// settings, a user's own votes, follows and lists).

const (
	// replicaRetry is how long reads stay on the primary after the replica
	// failed, so that a replica that is down costs one failed attempt now
	// and then rather than one per read.
	replicaRetry = 5 * time.Second
	// replicaWarnEvery bounds the warnings about a failing replica: a
	// replica that stays down would otherwise log one every replicaRetry.
	replicaWarnEvery = time.Minute
	// replicaConnectTimeout bounds a connection attempt to the replica when
	// its URL sets no connect_timeout: a host that drops packets would
	// otherwise hold the reads waiting for it as long as their requests
	// last, which is the site down.
	replicaConnectTimeout = 3 * time.Second
)

// reader runs the reads that may lag: on the replica when one is set and
// answering, else on the primary.
type reader struct {
	primary *pgxpool.Pool
	replica *pgxpool.Pool // nil without a replica
	logger  *slog.Logger  // nil: slog's default

	retryAt  atomic.Int64 // Unix nanoseconds: until then reads skip the replica
	warnedAt atomic.Int64 // Unix nanoseconds of the last warning, 0 before
	down     atomic.Bool  // the last attempt on the replica failed
}

// UseReplica sends the reads that may lag a moment behind the latest writes
// (paper look-ups, daily lists, comment lists, the vote and comment counts
// pages show, papers by ids) to the streaming replica of the database at
// url, a "postgres://" URL or libpq keyword string like Open's; everything
// else stays on the primary. The replica gets a pool of its own, sized by
// its URL's pool_max_conns.
//
// A replica that is down, refuses connections or cannot answer must not take
// the site down, so when one of those reads fails on it for such a reason
// (not for "no rows" or a mistake in the query) it runs again on the
// primary, reads stay on the primary for a few seconds, and logger (slog's
// default when nil) warns at most once a minute. For the same reason a
// replica that does not answer now is not an error: only a malformed url is.
//
// Call it once, before the store is used.
func (db *DB) UseReplica(ctx context.Context, url string, logger *slog.Logger) error {
	if db.read.replica != nil {
		return errors.New("postgres: a read replica is already set")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("postgres: read replica: %w", err) // pgx redacts the password
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = replicaConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres: read replica: %w", err)
	}
	db.read.replica, db.read.logger = pool, logger
	if err := pool.Ping(ctx); err != nil {
		if ctx.Err() != nil {
			db.read.replica = nil
			pool.Close()
			return err
		}
		db.read.failed(err, time.Now())
	}
	return nil
}

// run runs fn, which reads through q, on the replica, or on the primary
// when there is no replica, when it failed a moment ago, or when it fails
// now for a reason of its own (see replicaFailed). fn must set its results
// afresh on every call: it may run twice.
func (r *reader) run(ctx context.Context, fn func(q querier) error) error {
	if r.replica == nil || time.Now().UnixNano() < r.retryAt.Load() {
		return fn(r.primary)
	}
	err := fn(r.replica)
	switch {
	case err == nil || !replicaFailed(err):
		r.answered()
		return err
	case ctx.Err() != nil:
		return err // the caller gave up, not the replica
	}
	r.failed(err, time.Now())
	return fn(r.primary)
}

// failed records that the replica failed at now with err: reads skip it
// for replicaRetry, and a warning goes out unless one did recently.
func (r *reader) failed(err error, now time.Time) {
	r.retryAt.Store(now.Add(replicaRetry).UnixNano())
	r.down.Store(true)
	if r.shouldWarn(now) {
		r.log().Warn("postgres: the read replica failed; reading from the primary",
			"error", err, "retry_in", replicaRetry, "next_warning_in", replicaWarnEvery)
	}
}

// answered records that the replica answered, saying so once after it had
// failed.
func (r *reader) answered() {
	if r.down.Load() && r.down.CompareAndSwap(true, false) {
		r.log().Info("postgres: the read replica answers again")
	}
}

// shouldWarn reports whether a warning may go out at now: none did in the
// replicaWarnEvery before. Of callers racing for the same turn, one wins.
func (r *reader) shouldWarn(now time.Time) bool {
	last := r.warnedAt.Load()
	if last != 0 && now.UnixNano()-last < int64(replicaWarnEvery) {
		return false
	}
	return r.warnedAt.CompareAndSwap(last, now.UnixNano())
}

func (r *reader) log() *slog.Logger {
	if r.logger != nil {
		return r.logger
	}
	return slog.Default()
}

// readRows runs query through r (see reader.run) and collects its rows
// with scan.
func readRows[T any](ctx context.Context, r *reader, scan pgx.RowToFunc[T], query string, args ...any) (out []T, err error) {
	err = r.run(ctx, func(q querier) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scan)
		return err
	})
	return out, err
}

// close closes the replica's pool, if any.
func (r *reader) close() {
	if r.replica != nil {
		r.replica.Close()
	}
}

// replicaFailed reports whether err, from a read on the replica, is the
// replica's failure rather than the read's: the primary would likely answer
// the same read. That is any failure to reach or keep a connection, and
// these answers from the server:
//   - it refuses the connection: class 08, 28 (credentials), 53300 (too
//     many connections), 3D000 (no such database), 57P03 (starting up);
//   - it is shutting down (57P01, 57P02);
//   - a hot standby cancelled the read because it conflicted with the
//     replay of the primary's changes (40001);
//   - it lacks a table or column (42P01, 42703): a migration applied on the
//     primary a moment ago has not been replayed yet.
func replicaFailed(err error) bool {
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		switch {
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "28"), strings.HasPrefix(code, "57P"):
			return true
		}
		switch code {
		case "53300", "3D000", "40001", "42P01", "42703":
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err) || pgconn.SafeToRetry(err)
}
