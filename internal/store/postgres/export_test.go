package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool exposes the connection pool to the package's external tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }
