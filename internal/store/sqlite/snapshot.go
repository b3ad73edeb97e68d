package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"

	"quire"
	"quire/internal/store/input"
)

// PutSearchSnapshot stores a search index snapshot (see
// quire.SearchStore). Each chunk is its own statement, so other writers are
// never held up for the whole snapshot; the row counts once marked
// complete, in the transaction that removes the snapshots it replaces.
func (db *DB) PutSearchSnapshot(ctx context.Context, s quire.SearchSnapshot, r io.Reader) (_ *quire.SearchSnapshot, err error) {
	defer quire.Wrap(&err, "PutSearchSnapshot")
	if err := input.CheckSearchSnapshot(s); err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	res, err := db.write.ExecContext(ctx, `INSERT INTO search_snapshots (seq, model, created_at) VALUES (?, ?, ?)`,
		s.Seq, s.Model, now.Unix())
	if err != nil {
		return nil, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	size, sum, err := input.WriteChunks(r, func(n int, data []byte) error {
		_, err := db.write.ExecContext(ctx, `INSERT INTO search_snapshot_chunks (snapshot_id, n, data) VALUES (?, ?, ?)`, id, n, data)
		return err
	})
	if err != nil {
		// Not under ctx: it may be what ended.
		db.deleteSnapshots(context.WithoutCancel(ctx), `id = ?`, id)
		return nil, err
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE search_snapshots SET size = ?, sha256 = ?, complete = 1 WHERE id = ?`,
			size, sum, id); err != nil {
			return err
		}
		return deleteSnapshotsTx(ctx, tx, `(complete = 1 AND id < ?) OR (complete = 0 AND created_at < ?)`,
			id, now.Add(-input.AbandonedSnapshot).Unix())
	})
	if err != nil {
		db.deleteSnapshots(context.WithoutCancel(ctx), `id = ?`, id)
		return nil, err
	}
	s.ID, s.Size, s.SHA256, s.CreatedAt = id, size, sum, now
	return &s, nil
}

func (db *DB) deleteSnapshots(ctx context.Context, where string, args ...any) {
	db.transact(ctx, func(tx *sql.Tx) error { return deleteSnapshotsTx(ctx, tx, where, args...) })
}

// deleteSnapshotsTx removes the snapshots that where selects, chunks
// first (the schema's reference has no cascade on SQLite).
func deleteSnapshotsTx(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_snapshot_chunks WHERE snapshot_id IN
		(SELECT id FROM search_snapshots WHERE `+where+`)`, args...); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM search_snapshots WHERE `+where, args...)
	return err
}

// FindSearchSnapshot describes the newest complete snapshot.
func (db *DB) FindSearchSnapshot(ctx context.Context) (_ *quire.SearchSnapshot, err error) {
	defer quire.Wrap(&err, "FindSearchSnapshot")
	s := &quire.SearchSnapshot{}
	var created int64
	err = db.read.QueryRowContext(ctx, `SELECT id, seq, model, size, sha256, created_at FROM search_snapshots
		WHERE complete = 1 ORDER BY id DESC LIMIT 1`).Scan(&s.ID, &s.Seq, &s.Model, &s.Size, &s.SHA256, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt = time.Unix(created, 0).UTC()
	return s, nil
}

// ReadSearchSnapshot writes snapshot id's chunks to w in order, one query
// each, so that no read transaction stays open while w is slow.
func (db *DB) ReadSearchSnapshot(ctx context.Context, id int64, w io.Writer) (err error) {
	defer quire.Wrap(&err, "ReadSearchSnapshot(%d)", id)
	var size int64
	err = db.read.QueryRowContext(ctx, `SELECT size FROM search_snapshots WHERE id = ? AND complete = 1`, id).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		return quire.ErrNotFound
	}
	if err != nil {
		return err
	}
	var done int64
	var data []byte
	for n := 0; done < size; n++ {
		err := db.read.QueryRowContext(ctx, `SELECT data FROM search_snapshot_chunks WHERE snapshot_id = ? AND n = ?`,
			id, n).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
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
