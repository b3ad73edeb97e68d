package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// UpsertEmbeddings stores vectors of model in one transaction, replacing
// earlier ones of the same papers and skipping unknown papers (see
// quire.SearchStore). The vectors go by COPY into a temporary table, which
// then feeds one INSERT … ON CONFLICT; measured on 1 KiB vectors, that is
// about twice as fast as sending them as array parameters.
func (db *DB) UpsertEmbeddings(ctx context.Context, model string, vectors []quire.Embedding) (err error) {
	defer quire.Wrap(&err, "UpsertEmbeddings(%q, %d vectors)", model, len(vectors))
	batch, err := input.PrepareEmbeddings(model, vectors)
	if err != nil || len(batch) == 0 {
		return err
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		// The planner cannot know the temporary table's size and, over-
		// estimating it, compiles the INSERT (hundreds of milliseconds for
		// a statement that does a few index probes per row).
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE embeddings_in (
			paper_id text COLLATE "C" NOT NULL, vector bytea NOT NULL) ON COMMIT DROP`); err != nil {
			return err
		}
		rows := make([][]any, len(batch))
		for i, e := range batch {
			rows[i] = []any{e.PaperID, e.Vector}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"embeddings_in"}, []string{"paper_id", "vector"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		// Unknown papers are filtered by a subquery per row, which is
		// always a probe of papers_pkey; as a join, the planner would
		// hash the whole papers table for every batch when its
		// statistics lag behind an import.
		_, err := tx.Exec(ctx, `INSERT INTO embeddings (model, paper_id, vector)
			SELECT $1, i.paper_id, i.vector FROM embeddings_in i
			WHERE (SELECT true FROM papers p WHERE p.id = i.paper_id)
			ON CONFLICT (model, paper_id) DO UPDATE SET vector = excluded.vector`, model)
		return err
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
	if !input.Storable(model) {
		return []quire.Embedding{}, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT paper_id, vector FROM embeddings
		WHERE model = $1 AND paper_id > $2 ORDER BY paper_id LIMIT $3`, model, afterPaperID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (quire.Embedding, error) {
		var e quire.Embedding
		err := row.Scan(&e.PaperID, &e.Vector)
		return e, err
	})
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
	rows, err := db.pool.Query(ctx, `SELECT `+columns("p", paperColumns)+` FROM papers p
		WHERE p.id > $2 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = $1 AND e.paper_id = p.id)
		ORDER BY p.id LIMIT $3`, model, afterPaperID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.Paper, error) { return scanPaper(row) })
}

// DeleteEmbeddings removes every vector of model.
func (db *DB) DeleteEmbeddings(ctx context.Context, model string) (err error) {
	defer quire.Wrap(&err, "DeleteEmbeddings(%q)", model)
	if !input.Storable(model) {
		return nil
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM embeddings WHERE model = $1`, model)
	return err
}
