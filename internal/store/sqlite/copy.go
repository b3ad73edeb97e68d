package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"quire"
)

// What a copy to another backend reads (see internal/store's Copy), and
// backups. Values leave as SQLite stores them: times as Unix seconds, days
// and lists as text; the target converts them by its own column types.

// CopyTables lists the tables of the schema in name order, leaving out
// SQLite's own, the migrations record, and virtual tables and their shadow
// tables, which belong to a SQLite module rather than to the hub.
func (db *DB) CopyTables(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
			AND name <> 'schema_migrations'
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collectStrings(rows)
}

// TableSchema returns table's stored columns in order, its primary-key
// columns in key order, and the other tables its foreign keys reference.
func (db *DB) TableSchema(ctx context.Context, table string) (columns, key []string, parents []string, err error) {
	// hidden is 0 for a stored, ordinary column; generated columns are
	// computed again by the target.
	rows, err := db.read.QueryContext(ctx, `SELECT name, pk FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`, table)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	byPos := map[int]string{}
	for rows.Next() {
		var name string
		var pk int
		if err := rows.Scan(&name, &pk); err != nil {
			return nil, nil, nil, err
		}
		columns = append(columns, name)
		if pk > 0 {
			byPos[pk] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	if len(columns) == 0 {
		return nil, nil, nil, fmt.Errorf("no table %s", table)
	}
	for i := 1; i <= len(byPos); i++ {
		key = append(key, byPos[i])
	}
	prows, err := db.read.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?) WHERE "table" <> ?`, table, table)
	if err != nil {
		return nil, nil, nil, err
	}
	parents, err = collectStrings(prows)
	return columns, key, parents, err
}

// CountRows returns the number of rows in table.
func (db *DB) CountRows(ctx context.Context, table string) (n int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(table)).Scan(&n)
	return n, err
}

// ReadRows returns at most limit rows of table whose key follows after
// (nil or empty for the first), in key order. Each batch reads in a
// transaction of its own, so a server using the file goes on writing.
func (db *DB) ReadRows(ctx context.Context, table string, columns, key []string, after []any, limit int) ([][]any, error) {
	q := `SELECT ` + quoteIdents(columns) + ` FROM ` + quoteIdent(table)
	var args []any
	if len(after) > 0 {
		if len(after) != len(key) {
			return nil, fmt.Errorf("a key of %d values for %d key columns", len(after), len(key))
		}
		// A row value, so that a composite key pages in one comparison
		// that the primary key's index serves.
		q += ` WHERE (` + quoteIdents(key) + `) > (` + strings.TrimSuffix(strings.Repeat("?, ", len(key)), ", ") + `)`
		args = after
	}
	q += ` ORDER BY ` + quoteIdents(key) + ` LIMIT ?`
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		row := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range row {
			ptrs[i] = &row[i]
		}
		// Scanning into *any copies []byte values out of the driver's
		// buffer.
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func collectStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// header opens every SQLite database file.
var header = []byte("SQLite format 3\x00")

// CheckHeader reports an error of kind quire.ErrInvalid unless path is an
// existing SQLite database file. Open would create a missing file, and
// fail only later on a file of another kind.
func CheckHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return quire.Invalidf("%s does not exist", path)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, len(header))
	if _, err := io.ReadFull(f, b); err != nil || !bytes.Equal(b, header) {
		return quire.Invalidf("%s is not a SQLite database", path)
	}
	return nil
}

// CheckIntegrity opens the database at path read-only and runs SQLite's
// integrity check on it and the lookup of its migrations, so that a file
// that passes is a sound Quire hub.
func CheckIntegrity(ctx context.Context, path string) error {
	if err := CheckHeader(path); err != nil {
		return err
	}
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	problems, err := collectStrings(rows)
	if err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("%s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}
	if _, err := appliedMigrations(ctx, c); err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	return nil
}

// Backup writes a consistent copy of the database to dest, which must not
// exist, with VACUUM INTO: it reads one snapshot (in WAL mode other
// connections, and other processes such as a running server, keep
// reading and writing meanwhile) and writes a compact file without a WAL
// beside it. progress, when set, is called every so often with the bytes
// written so far and the size of the database.
func (db *DB) Backup(ctx context.Context, dest string, progress func(done, total int64)) (err error) {
	defer quire.Wrap(&err, "Backup(%q)", dest)
	var total int64
	if err := db.read.QueryRowContext(ctx,
		`SELECT page_count * page_size FROM pragma_page_count, pragma_page_size`).Scan(&total); err != nil {
		return err
	}
	done := make(chan error, 1)
	// The writer's connection: the readers' are query_only, which VACUUM
	// INTO, writing a file, is refused on.
	go func() {
		_, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, dest)
		done <- err
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err == nil && progress != nil {
				progress(total, total)
			}
			return err
		case <-tick.C:
			if progress == nil {
				continue
			}
			if st, err := os.Stat(dest); err == nil {
				progress(min(st.Size(), total), total)
			}
		}
	}
}
