// Package sqlite implements quire.Store on a SQLite file, through the pure-Go
// modernc.org/sqlite driver so that Quire builds without a C toolchain.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"quire"
)

// DB is a Quire store on one SQLite file.
//
// SQLite allows one writer at a time, so writes go through a pool of one
// connection: writers queue in Go instead of failing with SQLITE_BUSY, and
// transactions start with BEGIN IMMEDIATE so a reader never has to upgrade
// its lock mid-transaction. Reads use their own pool; in WAL mode they run
// beside the writer.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// stmts holds the read pool's prepared statements by query text:
	// preparing costs as much as running the small queries pages make.
	stmts sync.Map // string → *sql.Stmt
}

var _ quire.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at path. It does not
// migrate: see Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: no database path given")
	}
	write, err := sql.Open("sqlite", dsn(path, "immediate", false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn(path, "deferred", true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	db := &DB{path: path, write: write, read: read}
	// Touch the file through the writer first, so that WAL mode is set
	// before any reader opens it.
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// dsn builds the driver's connection string. Each pragma is set on every new
// connection of the pool:
//   - journal_mode(WAL): readers do not block the writer nor it them.
//   - synchronous(NORMAL): with WAL, durable across application crashes; a
//     power loss may undo the last transactions but never corrupts the file.
//   - busy_timeout: wait instead of failing when another process (a backup,
//     the CLI beside a running server) holds the write lock.
//   - foreign_keys: SQLite leaves them off by default.
//   - cache_size: 16 MiB of page cache per connection (in KiB when
//     negative); the hot pages of lists fit, and an import stays small.
func dsn(path, txlock string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(NORMAL)",
		"busy_timeout(10000)",
		"foreign_keys(1)",
		"cache_size(-16384)",
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Set("_txlock", txlock)
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	rerr := db.read.Close()
	if err := db.write.Close(); err != nil {
		return err
	}
	return rerr
}

// readStmt returns the prepared read statement for query, preparing it on
// first use. Queries are constant strings or built from a small set of
// shapes, so the cache stays small.
func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// queryRead runs a read query through its prepared statement.
func (db *DB) queryRead(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.readStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRowRead is queryRead for one row; an error shows at Scan.
func (db *DB) queryRowRead(ctx context.Context, query string, args ...any) scanner {
	st, err := db.readStmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// errRow is a row whose query failed before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Path is the database file.
func (db *DB) Path() string { return db.path }

// transact runs fn in a write transaction, committing when it returns nil.
func (db *DB) transact(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
