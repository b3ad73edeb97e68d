package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Replica is a streaming replica (a hot standby) of the test cluster, for
// tests of reads that may lag behind the primary.
type Replica struct {
	// URL is the database StartReplica was given, on the replica.
	URL string

	c    *cluster
	stop sync.Once
}

// StartReplica starts a streaming replica of the test cluster that holds
// primaryURL, a database from PostgresURL, and returns it once it accepts
// connections. It copies the whole cluster with pg_basebackup and then
// follows the primary's changes; it is stopped and removed when tb ends,
// before the database is dropped. Without pg_basebackup the test is skipped
// as PostgresURL skips one without PostgreSQL.
func StartReplica(tb testing.TB, primaryURL string) *Replica {
	tb.Helper()
	cfg, err := pgx.ParseConfig(primaryURL)
	if err != nil {
		tb.Fatalf("testenv: StartReplica: %v", err)
	}
	if theCluster == nil || cfg.Port != uint16(theCluster.port) {
		tb.Fatalf("testenv: StartReplica needs a database from PostgresURL, not %s:%d", cfg.Host, cfg.Port)
	}
	c, err := startReplica(theCluster)
	if errors.Is(err, errNoBaseBackup) {
		if os.Getenv("CI") != "" {
			tb.Fatalf("testenv: %v; CI is set, so PostgreSQL tests must run", err)
		}
		tb.Skipf("testenv: %v", err)
	}
	if err != nil {
		tb.Fatalf("testenv: starting a replica: %v", err)
	}
	r := &Replica{URL: c.url(cfg.Database), c: c}
	tb.Cleanup(func() { r.Stop(tb) })
	return r
}

// errNoBaseBackup means pg_basebackup, which copies the cluster for a
// replica, is not installed beside the server.
var errNoBaseBackup = errors.New("pg_basebackup not found beside the PostgreSQL server binaries or on PATH")

// startReplica copies primary into a new temporary directory and starts
// the copy as its standby.
func startReplica(primary *cluster) (c *cluster, err error) {
	binDir, cred, dir, err := clusterDir()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	basebackup := filepath.Join(binDir, "pg_basebackup")
	if _, err := os.Stat(basebackup); err != nil {
		if basebackup, err = exec.LookPath("pg_basebackup"); err != nil {
			return nil, errNoBaseBackup
		}
	}
	// initdb's pg_hba.conf lets local replication connections in, and
	// PostgreSQL's defaults (wal_level=replica, max_wal_senders=10) let
	// the cluster stream. -R writes standby.signal and the primary's
	// address, so the copy starts as a standby that follows it; "fast"
	// checkpoints at once instead of spreading the checkpoint over minutes.
	cmd := command(cred, dir, basebackup, "-D", filepath.Join(dir, "data"),
		"-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres", "-w",
		"-X", "stream", "-c", "fast", "-R", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pg_basebackup: %v\n%s", err, out)
	}
	return startServer(cred, binDir, dir)
}

// Stop stops the replica now, as if its server went down, and removes its
// files. It may be called more than once.
func (r *Replica) Stop(tb testing.TB) {
	tb.Helper()
	r.stop.Do(func() {
		if err := r.c.stop(); err != nil {
			tb.Errorf("testenv: stopping the replica: %v", err)
		}
	})
}

// PauseReplay stops the replica from applying the primary's changes: it
// still receives them, but what the primary commits from now on is not
// visible on the replica until ResumeReplay.
func (r *Replica) PauseReplay(tb testing.TB) {
	tb.Helper()
	if err := r.c.admin(func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SELECT pg_wal_replay_pause()")
		return err
	}); err != nil {
		tb.Fatalf("testenv: pausing replay: %v", err)
	}
}

// ResumeReplay lets the replica apply the primary's changes again.
func (r *Replica) ResumeReplay(tb testing.TB) {
	tb.Helper()
	if err := r.c.admin(func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SELECT pg_wal_replay_resume()")
		return err
	}); err != nil {
		tb.Fatalf("testenv: resuming replay: %v", err)
	}
}

// CatchUp waits until the replica has applied everything the primary wrote
// before the call. Replay must not be paused.
func (r *Replica) CatchUp(tb testing.TB) {
	tb.Helper()
	// The cluster commits asynchronously, and only the log flushed to disk
	// goes to the replica: a commit may still sit in memory, as may the
	// records after it until something flushes them. So commit a
	// transaction that writes to the log (a message, which changes no
	// table) synchronously, which flushes everything before it, and wait
	// for the flushed position.
	var lsn string
	if err := theCluster.admin(func(ctx context.Context, c *pgx.Conn) error {
		if err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "SELECT pg_logical_emit_message(true, 'testenv', 'catch up')")
			return err
		}); err != nil {
			return err
		}
		return c.QueryRow(ctx, "SELECT pg_current_wal_flush_lsn()::text").Scan(&lsn)
	}); err != nil {
		tb.Fatalf("testenv: reading the primary's position: %v", err)
	}
	const patience = time.Minute
	deadline := time.Now().Add(patience)
	for {
		var done bool
		var at *string
		if err := r.c.admin(func(ctx context.Context, c *pgx.Conn) error {
			return c.QueryRow(ctx, `SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false),
				pg_last_wal_replay_lsn()::text`, lsn).Scan(&done, &at)
		}); err != nil {
			tb.Fatalf("testenv: reading the replica's position: %v", err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testenv: the replica has not replayed up to %s within %v (it is at %v)", lsn, patience, deref(at))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deref(s *string) string {
	if s == nil {
		return "nothing"
	}
	return *s
}
