package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// PutSimilarPapers stores sets of similar papers (see quire.SearchStore), in
// one transaction.
func (db *DB) PutSimilarPapers(ctx context.Context, sets []quire.SimilarPapers) (err error) {
	defer quire.Wrap(&err, "PutSimilarPapers")
	rows := make([][]any, 0, len(sets))
	for i := range sets {
		s := &sets[i]
		if err := input.CheckSimilarPapers(s); err != nil {
			return err
		}
		ns, err := input.EncodeNeighbours(s.Neighbours)
		if err != nil {
			return err
		}
		rows = append(rows, []any{s.PaperID, s.Model, s.K, ns, s.ComputedAt.UnixMilli(), s.PaperID})
	}
	if len(rows) == 0 {
		return nil
	}
	return db.transact(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO similar_papers (paper_id, model, k, neighbours, computed_at)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?)
			ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, k = excluded.k,
				neighbours = excluded.neighbours, computed_at = excluded.computed_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindSimilarPapers returns the similar papers stored for paperID (see
// quire.SearchStore).
func (db *DB) FindSimilarPapers(ctx context.Context, paperID string) (_ *quire.SimilarPapers, err error) {
	defer quire.Wrap(&err, "FindSimilarPapers(%q)", paperID)
	if !input.Storable(paperID) {
		return nil, quire.ErrNotFound
	}
	s := quire.SimilarPapers{PaperID: paperID}
	var ns string
	var at int64
	err = db.queryRowRead(ctx, `SELECT model, k, neighbours, computed_at FROM similar_papers WHERE paper_id = ?`,
		paperID).Scan(&s.Model, &s.K, &ns, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if s.Neighbours, err = input.DecodeNeighbours(ns); err != nil {
		return nil, err
	}
	s.ComputedAt = time.UnixMilli(at).UTC()
	return &s, nil
}
