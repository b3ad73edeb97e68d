// Package postgres implements quire.Store on PostgreSQL through pgx, so that
// several Quire nodes can share one catalogue.
package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"quire"
)

// DB is a Quire store on a PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	// read runs the reads that may lag a moment behind the latest writes:
	// on the read replica that UseReplica sets, or else on pool. Methods
	// choose it per query (see replica.go).
	read *reader
}

var _ quire.Store = (*DB)(nil)

// Open connects to the PostgreSQL database at url, a "postgres://" URL or a
// libpq keyword string; pgxpool's parameters such as pool_max_conns apply.
// Open does not migrate: see Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err) // pgx redacts the password
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{pool: pool, read: &reader{primary: pool}}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.pool.Ping(ctx)
}

// Close closes the connections, the replica's too, waiting for those in use
// to be released.
func (db *DB) Close() error {
	db.read.close()
	db.pool.Close()
	return nil
}

// transact runs fn in a transaction, committing when it returns nil.
func (db *DB) transact(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// Advisory lock keys, one per kind of writer (arbitrary, fixed numbers).
const (
	// lockMigrate serialises migrations of nodes that start together.
	lockMigrate int64 = 0x71756972_00000001
	// lockPapers and lockEntries serialise batch upserts. Each batch reads
	// the rows it will merge and then writes; two batches interleaving
	// would lose a merge or collide on a new key, so they take turns, as
	// SQLite's single writer makes them.
	lockPapers  int64 = 0x71756972_00000002
	lockEntries int64 = 0x71756972_00000003
	// lockSeq is held by every transaction that hands out change-feed
	// positions, from its first write to its end (see lockFeed).
	lockSeq int64 = 0x71756972_00000004
)

func lock(ctx context.Context, tx pgx.Tx, key int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key)
	return err
}

// updateFrom rewrites rows of table in one statement: the new values go by
// COPY into a temporary table, which then drives a single UPDATE … FROM on
// the first keys columns. PostgreSQL plans that statement for this batch,
// whereas a prepared per-row UPDATE keeps a generic plan that may date from
// when the table was nearly empty (a sequential scan). extraSet, when not
// empty, is one more assignment for every row (such as a new seq).
func updateFrom(ctx context.Context, tx pgx.Tx, table string, cols []string, keys int, rows [][]any, extraSet string) error {
	if len(rows) == 0 {
		return nil
	}
	// The temporary table has only the copied columns, without their
	// constraints: a NOT NULL column left out (papers.seq) must not
	// refuse the copy.
	tmp := table + "_in"
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+tmp+` ON COMMIT DROP AS SELECT `+
		strings.Join(cols, ", ")+` FROM `+table+` WITH NO DATA`); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, cols, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	set := make([]string, 0, len(cols)-keys+1)
	for _, c := range cols[keys:] {
		set = append(set, c+" = i."+c)
	}
	if extraSet != "" {
		set = append(set, extraSet)
	}
	match := make([]string, 0, keys)
	for _, c := range cols[:keys] {
		match = append(match, "t."+c+" = i."+c)
	}
	_, err := tx.Exec(ctx, `UPDATE `+table+` t SET `+strings.Join(set, ", ")+
		` FROM `+tmp+` i WHERE `+strings.Join(match, " AND "))
	return err
}
