package postgres

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// PutSearchSnapshot stores a search index snapshot (see
// quire.SearchStore). Each chunk is its own statement, so no transaction
// stays open for the whole snapshot; the row counts once marked complete,
// in the transaction that removes the snapshots it replaces.
func (db *DB) PutSearchSnapshot(ctx context.Context, s quire.SearchSnapshot, r io.Reader) (_ *quire.SearchSnapshot, err error) {
	defer quire.Wrap(&err, "PutSearchSnapshot")
	if err := input.CheckSearchSnapshot(s); err != nil {
		return nil, err
	}
	var id int64
	var created time.Time
	if err := db.pool.QueryRow(ctx, `INSERT INTO search_snapshots (seq, model, created_at) VALUES ($1, $2, now())
		RETURNING id, created_at`, s.Seq, s.Model).Scan(&id, &created); err != nil {
		return nil, err
	}
	size, sum, err := input.WriteChunks(r, func(n int, data []byte) error {
		_, err := db.pool.Exec(ctx, `INSERT INTO search_snapshot_chunks (snapshot_id, n, data) VALUES ($1, $2, $3)`, id, n, data)
		return err
	})
	if err != nil {
		// Not under ctx: it may be what ended. The chunks go with the
		// row (ON DELETE CASCADE).
		db.pool.Exec(context.WithoutCancel(ctx), `DELETE FROM search_snapshots WHERE id = $1`, id)
		return nil, err
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE search_snapshots SET size = $1, sha256 = $2, complete = true WHERE id = $3`,
			size, sum, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM search_snapshots
			WHERE (complete AND id < $1) OR (NOT complete AND created_at < $2)`,
			id, created.Add(-input.AbandonedSnapshot))
		return err
	})
	if err != nil {
		db.pool.Exec(context.WithoutCancel(ctx), `DELETE FROM search_snapshots WHERE id = $1`, id)
		return nil, err
	}
	s.ID, s.Size, s.SHA256, s.CreatedAt = id, size, sum, created.UTC()
	return &s, nil
}

// FindSearchSnapshot describes the newest complete snapshot.
func (db *DB) FindSearchSnapshot(ctx context.Context) (_ *quire.SearchSnapshot, err error) {
	defer quire.Wrap(&err, "FindSearchSnapshot")
	s := &quire.SearchSnapshot{}
	err = db.pool.QueryRow(ctx, `SELECT id, seq, model, size, sha256, created_at FROM search_snapshots
		WHERE complete ORDER BY id DESC LIMIT 1`).Scan(&s.ID, &s.Seq, &s.Model, &s.Size, &s.SHA256, &s.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return s, nil
}

// ReadSearchSnapshot writes snapshot id's chunks to w in order, one query
// each, so that no transaction stays open while w is slow.
func (db *DB) ReadSearchSnapshot(ctx context.Context, id int64, w io.Writer) (err error) {
	defer quire.Wrap(&err, "ReadSearchSnapshot(%d)", id)
	var size int64
	err = db.pool.QueryRow(ctx, `SELECT size FROM search_snapshots WHERE id = $1 AND complete`, id).Scan(&size)
	if errors.Is(err, pgx.ErrNoRows) {
		return quire.ErrNotFound
	}
	if err != nil {
		return err
	}
	var done int64
	var data []byte
	for n := 0; done < size; n++ {
		err := db.pool.QueryRow(ctx, `SELECT data FROM search_snapshot_chunks WHERE snapshot_id = $1 AND n = $2`,
			id, n).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return quire.ErrNotFound // replaced while it was read
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		done += int64(len(data))
	}
	return nil
}
