package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"quire"
	"quire/internal/store/postgres"
	"quire/internal/store/sqlite"
)

// Moving a hub between backends: Copy reads every table of a source
// database in primary-key order, in batches, and writes the rows into a
// target of the same schema, recording after each batch, in the batch's own
// transaction, the last key copied; an interrupted copy resumes from there.
//
// Rows cross between backends as plain Go values: nil, int64, float64,
// string, []byte, bool and time.Time. A backend hands over what it stores
// (SQLite gives times as Unix seconds and lists as JSON text) and the
// target converts each value to its own column's type, which it reads from
// its schema; so the tables are discovered, not listed here, and a table
// added by a later migration is copied without changes to this file.

// CopySchema describes a database's tables for a copy.
type CopySchema interface {
	// CopyTables lists the tables of the schema, leaving out the records
	// of migrations and of copies in progress.
	CopyTables(ctx context.Context) ([]string, error)
	// TableSchema returns a table's columns, its primary-key columns in
	// key order, and the other tables its foreign keys reference.
	TableSchema(ctx context.Context, table string) (columns, key, parents []string, err error)
	// CountRows returns the number of rows in table.
	CountRows(ctx context.Context, table string) (int64, error)
}

// CopySource is a database a copy reads.
type CopySource interface {
	CopySchema
	// ReadRows returns at most limit rows of table, each holding columns in
	// order, whose key (the values of the key columns) follows after, in
	// key order; after is nil to start from the first row.
	ReadRows(ctx context.Context, table string, columns, key []string, after []any, limit int) ([][]any, error)
}

// CopyTarget is a database a copy writes.
type CopyTarget interface {
	CopySchema
	// CopyCheckpoint returns the checkpoint of a copy in progress, or nil
	// when there is none.
	CopyCheckpoint(ctx context.Context) ([]byte, error)
	// BeginCopy records the checkpoint of a new copy.
	BeginCopy(ctx context.Context, checkpoint []byte) error
	// WriteRows inserts rows (holding columns in order) into table and
	// replaces the checkpoint, in one transaction.
	WriteRows(ctx context.Context, table string, columns []string, rows [][]any, checkpoint []byte) error
	// FinishCopy advances the database's sequences past the copied keys,
	// so that new rows do not collide with them.
	FinishCopy(ctx context.Context) error
	// EndCopy removes the checkpoint, once the copy is verified.
	EndCopy(ctx context.Context) error
}

// SkippedTables are the tables a copy leaves out, with the reason: state
// that belongs to running nodes rather than to the hub.
var SkippedTables = map[string]string{
	"rate_limits": "rate-limit counters start afresh",
	"leases":      "leases belong to running nodes",
	// Derived from the catalogue: the target's nodes build or share their own.
	"search_snapshots":       "search index snapshots are rebuilt from the catalogue",
	"search_snapshot_chunks": "search index snapshots are rebuilt from the catalogue",
	"similar_papers":         "similar papers are found again by the target's nodes",
}

// CopyOptions tunes Copy.
type CopyOptions struct {
	// BatchSize is the number of rows per read and per write transaction
	// (default 1000).
	BatchSize int
	// Source names the source in the checkpoint, so that a copy is
	// resumed only from the database it started from.
	Source string
	// OnBatch, when set, is called after each batch is committed with the
	// rows copied so far and in all (both counting earlier runs). An error
	// stops the copy, which a later run resumes.
	OnBatch func(table string, done, total int64) error
}

// CopyCount is one line of a copy's report.
type CopyCount struct {
	Table          string
	Source, Target int64
	// Skipped gives the reason a table was not copied, if it was not.
	Skipped string
}

// ErrCountMismatch reports a copy whose target counts differ from the
// source's.
var ErrCountMismatch = errors.New("row counts differ")

// CopyPlan is what Copy will do: the tables to copy, parents before the
// tables that reference them, and those it skips.
type CopyPlan struct {
	Tables  []CopyTableSchema
	Skipped []string
}

// CopyTableSchema is one table of a plan.
type CopyTableSchema struct {
	Name    string
	Columns []string
	Key     []string
}

// PlanCopy compares the schemas of src and dst and orders the tables to
// copy. Every table of either schema is copied or in SkippedTables; a table
// or column that only one side has is an error.
func PlanCopy(ctx context.Context, src CopySource, dst CopyTarget) (*CopyPlan, error) {
	srcTables, err := src.CopyTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the source's tables: %w", err)
	}
	dstTables, err := dst.CopyTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the target's tables: %w", err)
	}
	if a, b := missing(srcTables, dstTables), missing(dstTables, srcTables); len(a)+len(b) > 0 {
		return nil, quire.Invalidf("the schemas differ: tables only in the source: %s; only in the target: %s (are both migrated by the same release?)",
			list(a), list(b))
	}
	plan := &CopyPlan{}
	parents := map[string][]string{}
	byName := map[string]CopyTableSchema{}
	for _, t := range srcTables {
		if _, skip := SkippedTables[t]; skip {
			plan.Skipped = append(plan.Skipped, t)
			continue
		}
		cols, key, par, err := src.TableSchema(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("reading the source's table %s: %w", t, err)
		}
		dcols, _, _, err := dst.TableSchema(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("reading the target's table %s: %w", t, err)
		}
		if a, b := missing(cols, dcols), missing(dcols, cols); len(a)+len(b) > 0 {
			return nil, quire.Invalidf("the schemas of table %s differ: columns only in the source: %s; only in the target: %s",
				t, list(a), list(b))
		}
		if len(key) == 0 {
			return nil, quire.Invalidf("table %s has no primary key, which a copy pages by", t)
		}
		byName[t] = CopyTableSchema{Name: t, Columns: cols, Key: key}
		parents[t] = par
	}
	order, err := parentsFirst(slices.Sorted(maps.Keys(byName)), parents)
	if err != nil {
		return nil, err
	}
	for _, t := range order {
		plan.Tables = append(plan.Tables, byName[t])
	}
	return plan, nil
}

// parentsFirst orders tables so that each follows the tables it references
// (a table referencing itself is fine: its rows are copied in key order,
// in which a reply follows the comment it answers). Ties keep name order.
func parentsFirst(tables []string, parents map[string][]string) ([]string, error) {
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t string, path []string) error
	visit = func(t string, path []string) error {
		switch state[t] {
		case 2:
			return nil
		case 1:
			return quire.Invalidf("the tables reference each other in a cycle (%s), which a copy cannot order", strings.Join(append(path, t), " → "))
		}
		state[t] = 1
		for _, p := range slices.Sorted(slices.Values(parents[t])) {
			if _, copied := parents[p]; p == t || !copied {
				continue // itself, or a skipped table
			}
			if err := visit(p, append(path, t)); err != nil {
				return err
			}
		}
		state[t] = 2
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// checkpoint is what the target keeps of a copy in progress: where it
// came from and, per table, the key of the last row written.
type checkpoint struct {
	Source string                `json:"source"`
	After  map[string][]keyValue `json:"after"`
}

// keyValue is one value of a key, tagged with its type so that it reads
// back as it was: JSON alone would turn int64 into float64 and []byte
// into string.
type keyValue struct {
	Int  *int64   `json:"i,omitempty"`
	Text *string  `json:"s,omitempty"`
	Blob *[]byte  `json:"b,omitempty"`
	Real *float64 `json:"f,omitempty"`
}

func toKeyValues(vals []any) ([]keyValue, error) {
	out := make([]keyValue, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case int64:
			out[i].Int = &v
		case string:
			out[i].Text = &v
		case []byte:
			b := append([]byte{}, v...)
			out[i].Blob = &b
		case float64:
			out[i].Real = &v
		default:
			return nil, fmt.Errorf("a key value of type %T cannot be kept in a checkpoint", v)
		}
	}
	return out, nil
}

func fromKeyValues(kv []keyValue) []any {
	out := make([]any, len(kv))
	for i, v := range kv {
		switch {
		case v.Int != nil:
			out[i] = *v.Int
		case v.Text != nil:
			out[i] = *v.Text
		case v.Real != nil:
			out[i] = *v.Real
		case v.Blob != nil:
			out[i] = *v.Blob
		}
	}
	return out
}

// Copy copies src into dst as plan says and verifies the copy by counting
// the rows of every table on both sides. dst must be empty, or hold an
// interrupted copy from the same source, which Copy resumes. The counts
// are returned also when they differ, with an error of ErrCountMismatch;
// the checkpoint then stays, so that running the copy again (with the
// source no longer written to) brings the target level with it.
func Copy(ctx context.Context, src CopySource, dst CopyTarget, plan *CopyPlan, opts CopyOptions) ([]CopyCount, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	cp, err := startCheckpoint(ctx, dst, plan, opts.Source)
	if err != nil {
		return nil, err
	}
	var total, done int64
	for _, t := range plan.Tables {
		n, err := src.CountRows(ctx, t.Name)
		if err != nil {
			return nil, fmt.Errorf("counting the source's %s: %w", t.Name, err)
		}
		total += n
		if cp.After[t.Name] != nil {
			m, err := dst.CountRows(ctx, t.Name)
			if err != nil {
				return nil, fmt.Errorf("counting the target's %s: %w", t.Name, err)
			}
			done += m
		}
	}
	for _, t := range plan.Tables {
		if err := copyTable(ctx, src, dst, t, cp, opts, &done, total); err != nil {
			return nil, err
		}
	}
	if err := dst.FinishCopy(ctx); err != nil {
		return nil, fmt.Errorf("advancing the target's sequences: %w", err)
	}
	counts, err := countBoth(ctx, src, dst, plan)
	if err != nil {
		return nil, err
	}
	var differ []string
	for _, c := range counts {
		if c.Skipped == "" && c.Source != c.Target {
			differ = append(differ, fmt.Sprintf("%s (source %d, target %d)", c.Table, c.Source, c.Target))
		}
	}
	if len(differ) > 0 {
		return counts, fmt.Errorf("%w: %s; was the source written to during the copy? Stop the servers using it, or copy from a backup (quire backup), and run the copy again to resume",
			ErrCountMismatch, strings.Join(differ, ", "))
	}
	if err := dst.EndCopy(ctx); err != nil {
		return counts, fmt.Errorf("removing the copy's checkpoint: %w", err)
	}
	return counts, nil
}

// startCheckpoint returns the checkpoint of the copy in dst to resume, or
// records a new one after checking that dst is empty.
func startCheckpoint(ctx context.Context, dst CopyTarget, plan *CopyPlan, source string) (*checkpoint, error) {
	raw, err := dst.CopyCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the target's checkpoint: %w", err)
	}
	cp := &checkpoint{Source: source, After: map[string][]keyValue{}}
	if raw != nil {
		var old checkpoint
		if err := json.Unmarshal(raw, &old); err != nil {
			return nil, fmt.Errorf("reading the target's checkpoint: %w", err)
		}
		if old.Source != source {
			return nil, quire.Invalidf("the target holds an interrupted copy from %s, not from %s; resume it with --from %s, or start again on an empty database",
				old.Source, source, old.Source)
		}
		if old.After != nil {
			cp.After = old.After
		}
		return cp, nil
	}
	var full []string
	for _, t := range append(tableNames(plan.Tables), plan.Skipped...) {
		n, err := dst.CountRows(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("counting the target's %s: %w", t, err)
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s has %d rows", t, n))
		}
	}
	if len(full) > 0 {
		return nil, quire.Invalidf("the target database is not empty (%s); copy into a new, empty database", strings.Join(full, ", "))
	}
	b, err := json.Marshal(cp)
	if err != nil {
		return nil, err
	}
	if err := dst.BeginCopy(ctx, b); err != nil {
		return nil, fmt.Errorf("recording the copy's checkpoint: %w", err)
	}
	return cp, nil
}

// copyTable copies the rows of t after its checkpoint, a batch at a time.
func copyTable(ctx context.Context, src CopySource, dst CopyTarget, t CopyTableSchema, cp *checkpoint, opts CopyOptions, done *int64, total int64) error {
	keyAt := make([]int, len(t.Key))
	for i, k := range t.Key {
		keyAt[i] = slices.Index(t.Columns, k)
	}
	after := fromKeyValues(cp.After[t.Name])
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := src.ReadRows(ctx, t.Name, t.Columns, t.Key, after, opts.BatchSize)
		if err != nil {
			return fmt.Errorf("reading the source's %s: %w", t.Name, err)
		}
		if len(rows) == 0 {
			return nil
		}
		last := rows[len(rows)-1]
		after = make([]any, len(keyAt))
		for i, at := range keyAt {
			after[i] = last[at]
		}
		kv, err := toKeyValues(after)
		if err != nil {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
		cp.After[t.Name] = kv
		b, err := json.Marshal(cp)
		if err != nil {
			return err
		}
		if err := dst.WriteRows(ctx, t.Name, t.Columns, rows, b); err != nil {
			return fmt.Errorf("writing the target's %s: %w", t.Name, err)
		}
		*done += int64(len(rows))
		if opts.OnBatch != nil {
			if err := opts.OnBatch(t.Name, *done, total); err != nil {
				return err
			}
		}
		if len(rows) < opts.BatchSize {
			return nil
		}
	}
}

// countBoth counts every table of the plan on both sides.
func countBoth(ctx context.Context, src CopySource, dst CopyTarget, plan *CopyPlan) ([]CopyCount, error) {
	var counts []CopyCount
	for _, t := range append(tableNames(plan.Tables), plan.Skipped...) {
		c := CopyCount{Table: t, Skipped: SkippedTables[t]}
		var err error
		if c.Source, err = src.CountRows(ctx, t); err != nil {
			return nil, fmt.Errorf("counting the source's %s: %w", t, err)
		}
		if c.Target, err = dst.CountRows(ctx, t); err != nil {
			return nil, fmt.Errorf("counting the target's %s: %w", t, err)
		}
		counts = append(counts, c)
	}
	return counts, nil
}

func tableNames(ts []CopyTableSchema) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// missing lists the elements of a that are not in b.
func missing(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// OpenCopySource opens the SQLite hub at path for reading by a copy or a
// backup. The file must exist, be a SQLite database and have every
// migration of this release applied.
func OpenCopySource(ctx context.Context, path string) (*sqlite.DB, error) {
	if IsPostgres(path) {
		return nil, quire.Invalidf("the source must be a SQLite file, not a PostgreSQL database")
	}
	if path == "" {
		return nil, quire.Invalidf("no source database given")
	}
	if err := sqlite.CheckHeader(path); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(pending) > 0 {
		db.Close()
		return nil, quire.Invalidf("the source's schema is not up to date (%d migration(s) pending: %s); run `quire migrate --db %s` first",
			len(pending), strings.Join(pending, ", "), path)
	}
	return db, nil
}

// OpenCopyTarget opens the PostgreSQL database at url for a copy. A
// database without Quire's schema gets it; one with part of it is refused,
// as it is not the new database a copy expects.
func OpenCopyTarget(ctx context.Context, url string) (*postgres.DB, error) {
	if !IsPostgres(url) {
		return nil, quire.Invalidf("the target must be a postgres:// URL")
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case len(pending) == len(db.Migrations()):
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	case len(pending) > 0:
		db.Close()
		return nil, quire.Invalidf("the target's schema is not up to date (%d migration(s) pending: %s); copy into a new, empty database",
			len(pending), strings.Join(pending, ", "))
	}
	return db, nil
}

// SourceName is how a checkpoint names the SQLite file path: its absolute
// path, so that a copy resumed from another working folder matches.
func SourceName(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// Backup writes a consistent copy of the SQLite hub at path to dest, a
// file that must not exist yet, and checks that the copy is sound. Other
// processes may keep using the hub meanwhile. progress, when set, is
// called now and then with the bytes written and the size expected.
func Backup(ctx context.Context, path, dest string, progress func(done, total int64)) error {
	if IsPostgres(path) {
		return quire.Invalidf("backup works on SQLite hubs; back a PostgreSQL database up with pg_dump")
	}
	if _, err := os.Stat(dest); err == nil {
		return quire.Invalidf("%s exists already; back up to a new file", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := sqlite.CheckHeader(path); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dest, progress); err != nil {
		os.Remove(dest)
		return err
	}
	return sqlite.CheckIntegrity(ctx, dest)
}
