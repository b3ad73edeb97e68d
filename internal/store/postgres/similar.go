package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// PutSimilarPapers stores sets of similar papers (see quire.SearchStore), in
// one transaction.
func (db *DB) PutSimilarPapers(ctx context.Context, sets []quire.SimilarPapers) (err error) {
	defer quire.Wrap(&err, "PutSimilarPapers")
	b := &pgx.Batch{}
	for i := range sets {
		s := &sets[i]
		if err := input.CheckSimilarPapers(s); err != nil {
			return err
		}
		ns, err := input.EncodeNeighbours(s.Neighbours)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO similar_papers (paper_id, model, k, neighbours, computed_at)
			SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM papers WHERE id = $1)
			ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, k = excluded.k,
				neighbours = excluded.neighbours, computed_at = excluded.computed_at`,
			s.PaperID, s.Model, s.K, ns, s.ComputedAt.UTC().Truncate(time.Millisecond))
	}
	if b.Len() == 0 {
		return nil
	}
	return db.transact(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
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
	err = db.pool.QueryRow(ctx, `SELECT model, k, neighbours, computed_at FROM similar_papers WHERE paper_id = $1`,
		paperID).Scan(&s.Model, &s.K, &ns, &s.ComputedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if s.Neighbours, err = input.DecodeNeighbours(ns); err != nil {
		return nil, err
	}
	s.ComputedAt = s.ComputedAt.UTC()
	return &s, nil
}
