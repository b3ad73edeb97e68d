package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
)

// What a copy from another backend writes (see internal/store's Copy).
// Each value arrives as the source stores it and is converted here by the
// type of the column it goes to: Unix seconds become timestamptz, day text
// a date, JSON text a text[] or jsonb. The checkpoint of a copy in
// progress lives in a table of its own, dropped once the copy is verified,
// so that it is counted in no table of the hub.

// checkpointTable holds one row, the checkpoint of a copy in progress.
const checkpointTable = "copy_checkpoint"

// CopyTables lists the tables of the schema in name order, leaving out the
// migrations record and a copy's checkpoint.
func (db *DB) CopyTables(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			AND table_name NOT IN ('schema_migrations', '`+checkpointTable+`')
		ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// copyColumn is one column that a copy writes, with its type (the udt_name
// of information_schema: int8, timestamptz, _text, ...).
type copyColumn struct {
	name, typ string
}

// copyColumns returns the columns of table that take values: generated
// columns are computed, not written.
func copyColumns(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, table string) ([]copyColumn, error) {
	rows, err := q.Query(ctx, `SELECT column_name::text, udt_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
		ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (copyColumn, error) {
		var c copyColumn
		err := r.Scan(&c.name, &c.typ)
		return c, err
	})
	if err == nil && len(cols) == 0 {
		err = fmt.Errorf("no table %s", table)
	}
	return cols, err
}

// TableSchema returns table's columns in order, its primary-key columns in
// key order, and the other tables its foreign keys reference. A column of
// a type that a copy cannot fill is an error, found before any row moves.
func (db *DB) TableSchema(ctx context.Context, table string) (columns, key, parents []string, err error) {
	cols, err := copyColumns(ctx, db.pool, table)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, c := range cols {
		if _, ok := converters[c.typ]; !ok {
			return nil, nil, nil, quire.Invalidf("column %s.%s has type %s, which a copy cannot fill", table, c.name, c.typ)
		}
		columns = append(columns, c.name)
	}
	rows, err := db.pool.Query(ctx, `SELECT a.attname::text
		FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, table)
	if err != nil {
		return nil, nil, nil, err
	}
	if key, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, nil, nil, err
	}
	rows, err = db.pool.Query(ctx, `SELECT DISTINCT p.relname::text
		FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid
		WHERE c.contype = 'f' AND c.conrelid = to_regclass(quote_ident($1)) AND c.confrelid <> c.conrelid
		ORDER BY 1`, table)
	if err != nil {
		return nil, nil, nil, err
	}
	parents, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return columns, key, parents, err
}

// CountRows returns the number of rows in table.
func (db *DB) CountRows(ctx context.Context, table string) (n int64, err error) {
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n)
	return n, err
}

// CopyCheckpoint returns the checkpoint of a copy in progress, or nil.
func (db *DB) CopyCheckpoint(ctx context.Context) ([]byte, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, checkpointTable).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	var state []byte
	err := db.pool.QueryRow(ctx, `SELECT state FROM `+checkpointTable).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return state, err
}

// BeginCopy creates the checkpoint table with the first checkpoint.
func (db *DB) BeginCopy(ctx context.Context, checkpoint []byte) error {
	return db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE `+checkpointTable+` (
			one   boolean PRIMARY KEY DEFAULT true CHECK (one),
			state jsonb NOT NULL)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+checkpointTable+` (state) VALUES ($1)`, string(checkpoint))
		return err
	})
}

// WriteRows converts rows to the columns' types and inserts them into
// table by COPY, which also fills identity columns with the given keys,
// then replaces the checkpoint, in one transaction.
func (db *DB) WriteRows(ctx context.Context, table string, columns []string, rows [][]any, checkpoint []byte) error {
	return db.transact(ctx, func(tx pgx.Tx) error {
		cols, err := copyColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		types := make(map[string]string, len(cols))
		for _, c := range cols {
			types[c.name] = c.typ
		}
		conv := make([]func(any) (any, error), len(columns))
		for i, name := range columns {
			typ, ok := types[name]
			if !ok {
				return fmt.Errorf("no column %s.%s", table, name)
			}
			if conv[i] = converters[typ]; conv[i] == nil {
				return quire.Invalidf("column %s.%s has type %s, which a copy cannot fill", table, name, typ)
			}
		}
		out := make([][]any, len(rows))
		for r, row := range rows {
			if len(row) != len(columns) {
				return fmt.Errorf("a row of %d values for %d columns", len(row), len(columns))
			}
			out[r] = make([]any, len(row))
			for i, v := range row {
				if v == nil {
					continue
				}
				if out[r][i], err = conv[i](v); err != nil {
					return fmt.Errorf("column %s of row %d: %w", columns[i], r, err)
				}
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(out)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE `+checkpointTable+` SET state = $1`, string(checkpoint))
		if err == nil && tag.RowsAffected() != 1 {
			err = errors.New("the copy's checkpoint is gone")
		}
		return err
	})
}

// FinishCopy sets every sequence that feeds a column (identity columns,
// and the change feed's papers_change_seq behind papers.seq) past the
// largest value copied into it.
func (db *DB) FinishCopy(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, `SELECT table_name::text, column_name::text,
			pg_get_serial_sequence(quote_ident(table_name), column_name)
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> '`+checkpointTable+`'
			AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
		ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	type serial struct {
		table, column string
		seq           *string
	}
	serials, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (serial, error) {
		var s serial
		err := r.Scan(&s.table, &s.column, &s.seq)
		return s, err
	})
	if err != nil {
		return err
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		for _, s := range serials {
			if s.seq == nil {
				// A default drawing on a sequence the column does not
				// own: every such sequence of the schema is owned (see
				// the migrations), so there is none to set.
				continue
			}
			col, tbl := pgx.Identifier{s.column}.Sanitize(), pgx.Identifier{s.table}.Sanitize()
			if _, err := tx.Exec(ctx, `SELECT setval($1, coalesce((SELECT max(`+col+`) FROM `+tbl+`), 0) + 1, false)`, *s.seq); err != nil {
				return fmt.Errorf("setting %s past %s.%s: %w", *s.seq, s.table, s.column, err)
			}
		}
		return nil
	})
}

// EndCopy drops the checkpoint table.
func (db *DB) EndCopy(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `DROP TABLE IF EXISTS `+checkpointTable)
	return err
}

// converters turn a source's value into one for a column of each type
// (udt_name) a copy can fill. nil (NULL) never reaches them.
var converters = map[string]func(any) (any, error){
	"int2": toInt, "int4": toInt, "int8": toInt,
	"float4": toFloat, "float8": toFloat,
	"bool": toBool,
	"text": toText, "varchar": toText, "bpchar": toText,
	"bytea":       toBytes,
	"timestamptz": toTime, "timestamp": toTime,
	"date":  toDate,
	"_text": toTextArray,
	"jsonb": toJSON, "json": toJSON,
}

func toInt(v any) (any, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		if v == math.Trunc(v) {
			return int64(v), nil
		}
	}
	return nil, fmt.Errorf("%v (%T) is not an integer", v, v)
}

func toFloat(v any) (any, error) {
	switch v := v.(type) {
	case float64:
		return v, nil
	case int64:
		return float64(v), nil
	}
	return nil, fmt.Errorf("%v (%T) is not a number", v, v)
}

func toBool(v any) (any, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case int64:
		return v != 0, nil
	}
	return nil, fmt.Errorf("%v (%T) is not a boolean", v, v)
}

func toText(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return nil, fmt.Errorf("%v (%T) is not text", v, v)
}

func toBytes(v any) (any, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	}
	return nil, fmt.Errorf("a %T is not bytes", v)
}

// toTime reads Unix seconds, as SQLite keeps times.
func toTime(v any) (any, error) {
	switch v := v.(type) {
	case time.Time:
		return v, nil
	case int64:
		return time.Unix(v, 0).UTC(), nil
	case string:
		return time.Parse(time.RFC3339Nano, v)
	}
	return nil, fmt.Errorf("%v (%T) is not a time", v, v)
}

func toDate(v any) (any, error) {
	switch v := v.(type) {
	case time.Time:
		return dayOf(v), nil
	case string:
		return time.Parse(quire.DayLayout, v)
	}
	return nil, fmt.Errorf("%v (%T) is not a day", v, v)
}

// toTextArray reads a JSON array of strings, as SQLite keeps lists.
func toTextArray(v any) (any, error) {
	switch v := v.(type) {
	case []string:
		return textArray(v), nil
	case string:
		var s []string
		if strings.TrimSpace(v) != "" {
			if err := json.Unmarshal([]byte(v), &s); err != nil {
				return nil, fmt.Errorf("%.40q is not a JSON list of strings: %w", v, err)
			}
		}
		return textArray(s), nil
	}
	return nil, fmt.Errorf("%v (%T) is not a list", v, v)
}

// toJSON passes JSON text on as it is, once checked.
func toJSON(v any) (any, error) {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return nil, fmt.Errorf("a %T is not JSON text", v)
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("%.40q is not valid JSON", b)
	}
	return string(b), nil
}
