package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// paperChannel is the channel on which the database announces committed
// writes to papers (migrations/0010_notify.sql).
const paperChannel = "quire_paper_changes"

// ListenAppName is the application_name of the listening connection, which
// tells it apart in pg_stat_activity, unless the database URL names one.
const ListenAppName = "quire-listen"

// How the listening connection is kept: it is checked with a ping after
// listenIdle without a notification, since a connection lost without the
// server closing it (a network partition) would otherwise be noticed only
// when TCP gives up, and it is opened again after a pause that doubles from
// reconnectMin to reconnectMax while the database stays unreachable.
const (
	listenIdle   = 30 * time.Second
	pingTimeout  = 5 * time.Second
	reconnectMin = 100 * time.Millisecond
	reconnectMax = 5 * time.Second
)

// WatchPaperChanges listens for committed writes to papers, from any node,
// on a connection of its own (LISTEN holds its connection, so it cannot
// come from the pool). The channel receives a value soon after each such
// commit, and also whenever the connection was opened again after being
// lost, since announcements made in between were missed. Values do not
// queue: one waiting value stands for any number of changes, so the reader
// reads the change feed up to its end on each. The channel is closed once
// ctx ends and the connection is closed; Close does not end it, so end ctx
// first.
//
// Only the first connection's failure is returned; later ones are logged
// and retried with backoff. A reader should keep polling the feed as well:
// the channel makes following prompt, not complete.
func (db *DB) WatchPaperChanges(ctx context.Context) (<-chan struct{}, error) {
	cfg := db.pool.Config().ConnConfig // a copy
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = ListenAppName
	}
	conn, err := listen(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: listening for changes: %w", err)
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		watch(ctx, cfg, conn, ch)
	}()
	return ch, nil
}

// listen opens a connection and subscribes it to paperChannel.
func listen(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+paperChannel); err != nil {
		closeConn(conn)
		return nil, err
	}
	return conn, nil
}

// watch relays conn's notifications to ch until ctx ends, opening the
// connection again whenever it is lost.
func watch(ctx context.Context, cfg *pgx.ConnConfig, conn *pgx.Conn, ch chan<- struct{}) {
	for {
		err := relay(ctx, conn, ch)
		closeConn(conn)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("postgres: lost the connection that listens for changes; opening it again", "error", err)
		if conn = reconnect(ctx, cfg); conn == nil {
			return
		}
		signal(ch) // changes committed while nobody listened
	}
}

// relay passes conn's notifications to ch until the connection fails or
// ctx ends.
func relay(ctx context.Context, conn *pgx.Conn, ch chan<- struct{}) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			signal(ch)
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: make sure the connection still works.
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// reconnect opens a listening connection, retrying with backoff, and
// returns nil once ctx ends.
func reconnect(ctx context.Context, cfg *pgx.ConnConfig) *pgx.Conn {
	wait := reconnectMin
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		conn, err := listen(ctx, cfg)
		if err == nil {
			slog.Info("postgres: listening for changes again")
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		wait = min(2*wait, reconnectMax)
		slog.Warn("postgres: could not listen for changes; trying again", "error", err, "in", wait)
	}
}

// closeConn closes conn, giving up on a polite goodbye to a server that
// does not answer.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	conn.Close(ctx)
}

// signal puts a value in ch unless one is already waiting.
func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
