package sqlite

import (
	"context"
	"database/sql"

	"quire"
	"quire/internal/store/input"
)

// UpsertEmbeddings stores vectors of model in one transaction, replacing
// earlier ones of the same papers and skipping unknown papers (see
// quire.SearchStore).
func (db *DB) UpsertEmbeddings(ctx context.Context, model string, vectors []quire.Embedding) (err error) {
	defer quire.Wrap(&err, "UpsertEmbeddings(%q, %d vectors)", model, len(vectors))
	batch, err := input.PrepareEmbeddings(model, vectors)
	if err != nil || len(batch) == 0 {
		return err
	}
	return db.transact(ctx, func(tx *sql.Tx) error {
		// The SELECT needs its WHERE for SQLite to parse ON CONFLICT; it
		// also skips unknown papers without a foreign-key failure.
		st, err := tx.PrepareContext(ctx, `INSERT INTO embeddings (model, paper_id, vector)
			SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?2)
			ON CONFLICT (model, paper_id) DO UPDATE SET vector = excluded.vector`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range batch {
			if _, err := st.ExecContext(ctx, model, e.PaperID, e.Vector); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindEmbeddings returns at most limit vectors of model after afterPaperID,
// in paper id order (see quire.SearchStore). Paging walks the primary key
// (model, paper_id) from the position, so it never rereads earlier pages.
func (db *DB) FindEmbeddings(ctx context.Context, model, afterPaperID string, limit int) (vectors []quire.Embedding, err error) {
	defer quire.Wrap(&err, "FindEmbeddings(%q, %q, %d)", model, afterPaperID, limit)
	if err := input.CheckPage(afterPaperID, limit); err != nil {
		return nil, err
	}
	vectors = make([]quire.Embedding, 0, min(limit, 1024))
	if !input.Storable(model) {
		return vectors, nil
	}
	rows, err := db.queryRead(ctx, `SELECT paper_id, vector FROM embeddings
		WHERE model = ? AND paper_id > ? ORDER BY paper_id LIMIT ?`, model, afterPaperID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e quire.Embedding
		if err := rows.Scan(&e.PaperID, &e.Vector); err != nil {
			return nil, err
		}
		vectors = append(vectors, e)
	}
	return vectors, rows.Err()
}

// FindPapersWithoutEmbedding returns at most limit papers after
// afterPaperID, in id order, that have no vector of model (see
// quire.SearchStore). It walks the papers' primary key from the position
// and probes the embeddings' key for each paper.
func (db *DB) FindPapersWithoutEmbedding(ctx context.Context, model, afterPaperID string, limit int) (papers []*quire.Paper, err error) {
	defer quire.Wrap(&err, "FindPapersWithoutEmbedding(%q, %q, %d)", model, afterPaperID, limit)
	if err := input.CheckPage(afterPaperID, limit); err != nil {
		return nil, err
	}
	if !input.Storable(model) {
		model = "" // no vector is stored under it: every paper lacks one
	}
	rows, err := db.queryRead(ctx, `SELECT `+prefixed("p")+` FROM papers p
		WHERE p.id > ?2 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ?1 AND e.paper_id = p.id)
		ORDER BY p.id LIMIT ?3`, model, afterPaperID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	papers = make([]*quire.Paper, 0, min(limit, 1024))
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			return nil, err
		}
		papers = append(papers, p)
	}
	return papers, rows.Err()
}

// DeleteEmbeddings removes every vector of model.
func (db *DB) DeleteEmbeddings(ctx context.Context, model string) (err error) {
	defer quire.Wrap(&err, "DeleteEmbeddings(%q)", model)
	if !input.Storable(model) {
		return nil
	}
	_, err = db.write.ExecContext(ctx, `DELETE FROM embeddings WHERE model = ?`, model)
	return err
}
