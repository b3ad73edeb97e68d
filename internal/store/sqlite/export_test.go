package sqlite

import "database/sql"

// Writer exposes the write pool to the package's external tests, which use
// it to fill a database at an older schema version.
func (db *DB) Writer() *sql.DB { return db.write }
