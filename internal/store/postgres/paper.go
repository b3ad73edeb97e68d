package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// paperColumns are the papers columns in the order paperScan reads them and
// paperRow writes them.
var paperColumns = []string{"id", "version", "title", "authors", "abstract", "categories",
	"published_at", "updated_at", "comments", "journal_ref", "doi", "license", "project_url",
	"code_url", "versions", "withdrawn_at"}

// columns lists cols for a SELECT, qualified by a table alias unless it is "".
func columns(alias string, cols []string) string {
	if alias == "" {
		return strings.Join(cols, ", ")
	}
	return alias + "." + strings.Join(cols, ", "+alias+".")
}

// paperScan holds the raw column values of one papers row.
type paperScan struct {
	p                             quire.Paper
	published, updated, withdrawn pgtype.Timestamptz
	versions                      []byte
}

func (s *paperScan) dest() []any {
	p := &s.p
	return []any{&p.ID, &p.Version, &p.Title, &p.Authors, &p.Abstract, &p.Categories,
		&s.published, &s.updated, &p.Comments, &p.JournalRef, &p.DOI, &p.License,
		&p.ProjectURL, &p.CodeURL, &s.versions, &s.withdrawn}
}

func (s *paperScan) paper() (*quire.Paper, error) {
	p := s.p
	// Most papers have no version history; the change feed reads a
	// million of them, so the empty list skips the JSON decoder.
	if string(s.versions) != "[]" {
		var err error
		if p.Versions, err = versionsFromJSON(s.versions); err != nil {
			return nil, err
		}
	}
	p.Authors = nilIfEmpty(p.Authors)
	p.Categories = nilIfEmpty(p.Categories)
	p.PublishedAt = timeFromNull(s.published)
	p.UpdatedAt = timeFromNull(s.updated)
	p.WithdrawnAt = timeFromNull(s.withdrawn)
	return &p, nil
}

func scanPaper(row pgx.Row) (*quire.Paper, error) {
	var s paperScan
	if err := row.Scan(s.dest()...); err != nil {
		return nil, err
	}
	return s.paper()
}

// paperRow is p's column values, in paperColumns order.
func paperRow(p *quire.Paper) ([]any, error) {
	versions, err := versionsJSON(p.Versions)
	if err != nil {
		return nil, quire.Invalidf("paper %s has a version date out of range", p.ID)
	}
	return []any{p.ID, p.Version, p.Title, textArray(p.Authors), p.Abstract,
		textArray(p.Categories), timeOrNull(p.PublishedAt), timeOrNull(p.UpdatedAt), p.Comments,
		p.JournalRef, p.DOI, p.License, p.ProjectURL, p.CodeURL, versions, timeOrNull(p.WithdrawnAt)}, nil
}

// FindPaperByID returns the paper with canonical id, or an error of kind
// quire.ErrNotFound.
func (db *DB) FindPaperByID(ctx context.Context, id string) (p *quire.Paper, err error) {
	defer quire.Wrap(&err, "FindPaperByID(%q)", id)
	find := func(q querier) (ferr error) {
		p, ferr = scanPaper(q.QueryRow(ctx, `SELECT `+columns("", paperColumns)+` FROM papers WHERE id = $1`, id))
		return ferr
	}
	err = db.read.run(ctx, find)
	if errors.Is(err, pgx.ErrNoRows) && db.read.replica != nil {
		// The replica may not have the paper yet: a submission fetches a
		// paper from arXiv, stores it and shows it at once. A paper never
		// disappears, so only a miss needs the primary's word.
		err = find(db.pool)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CountPapers returns the number of papers in the catalogue.
func (db *DB) CountPapers(ctx context.Context) (n int, err error) {
	defer quire.Wrap(&err, "CountPapers")
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM papers`).Scan(&n)
	return n, err
}

// UpsertPapers inserts new papers and merges records of known ones, in one
// transaction (see quire.PaperStore). New papers arrive by COPY and changed
// ones through updateFrom, so a batch costs a few round trips.
func (db *DB) UpsertPapers(ctx context.Context, papers []*quire.Paper) (stats quire.UpsertStats, err error) {
	defer quire.Wrap(&err, "UpsertPapers(%d papers)", len(papers))
	batch, skipped := quire.PreparePapers(papers)
	stats.Skipped = skipped
	if len(batch) == 0 {
		return stats, nil
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, lockPapers); err != nil {
			return err
		}
		ids := make([]string, len(batch))
		for i, p := range batch {
			ids[i] = p.ID
		}
		existing, err := findPapersByIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		var inserts [][]any
		var updates [][]any
		for _, p := range batch {
			old, ok := existing[p.ID]
			if !ok {
				row, err := paperRow(p)
				if err != nil {
					return err
				}
				inserts = append(inserts, row)
				stats.Inserted++
				continue
			}
			merged, changed := quire.Merge(old, p)
			if !changed {
				stats.Unchanged++
				continue
			}
			row, err := paperRow(&merged)
			if err != nil {
				return err
			}
			updates = append(updates, row)
			stats.Updated++
		}
		if len(inserts) == 0 && len(updates) == 0 {
			return nil
		}
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		// New papers take their seq from the column's default.
		if len(inserts) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"papers"}, paperColumns, pgx.CopyFromRows(inserts)); err != nil {
				return err
			}
		}
		return updateFrom(ctx, tx, "papers", paperColumns, 1, updates, "seq = "+nextSeq)
	})
	if err != nil {
		return quire.UpsertStats{}, err
	}
	return stats, nil
}

// MarkWithdrawn records that arXiv withdrew the papers paperIDs at at (see
// quire.PaperStore). Papers already withdrawn keep their date and their
// place in the change feed, so a harvest that reports them again changes
// nothing. It takes lockPapers as upserts do, so that a batch that read a
// paper before the mark cannot write it back without it.
func (db *DB) MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (n int, err error) {
	defer quire.Wrap(&err, "MarkWithdrawn(%d papers)", len(paperIDs))
	if at.IsZero() {
		return 0, quire.Invalidf("a withdrawal needs a date")
	}
	if err := (&quire.Paper{ID: "-", Title: "-", WithdrawnAt: at}).Validate(); err != nil {
		return 0, quire.Invalidf("withdrawal date %s is outside the years 1-9999", at.UTC().Format(time.RFC3339))
	}
	ids := input.LookupIDs(paperIDs)
	if len(ids) == 0 {
		return 0, nil
	}
	at = at.UTC().Truncate(time.Second)
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, lockPapers); err != nil {
			return err
		}
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE papers SET withdrawn_at = $2, seq = `+nextSeq+`
			WHERE id = ANY($1) AND withdrawn_at IS NULL`, batchPlan, ids, at)
		n = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// batchPlan makes PostgreSQL plan a batch lookup for its actual keys. With
// a cached statement it soon settles on a generic plan, made while the table
// was small (an import into an empty catalogue): a sequential scan testing
// every row against every key, which grows with the table until each batch
// takes seconds.
const batchPlan = pgx.QueryExecModeExec

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// findPapersByIDs returns the stored papers among ids, by id.
func findPapersByIDs(ctx context.Context, q querier, ids []string) (map[string]*quire.Paper, error) {
	rows, err := q.Query(ctx, `SELECT `+columns("", paperColumns)+` FROM papers WHERE id = ANY($1)`, batchPlan, ids)
	if err != nil {
		return nil, err
	}
	stored, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.Paper, error) { return scanPaper(row) })
	if err != nil {
		return nil, err
	}
	found := make(map[string]*quire.Paper, len(stored))
	for _, p := range stored {
		found[p.ID] = p
	}
	return found, nil
}
