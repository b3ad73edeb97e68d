package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"quire"
	"quire/internal/store/input"
)

// paperColumns are the papers columns in the order scanPaper reads them.
const paperColumns = `id, version, title, authors, abstract, categories, published_at, updated_at,
	comments, journal_ref, doi, license, project_url, code_url, versions, withdrawn_at`

// prefixed returns paperColumns qualified by a table alias.
func prefixed(alias string) string {
	cols := strings.Split(paperColumns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

type scanner interface{ Scan(dest ...any) error }

// paperScan holds the raw column values of one papers row.
type paperScan struct {
	p                             quire.Paper
	authors, categories, version  string
	published, updated, withdrawn sql.NullInt64
}

func (s *paperScan) dest() []any {
	p := &s.p
	return []any{&p.ID, &p.Version, &p.Title, &s.authors, &p.Abstract, &s.categories,
		&s.published, &s.updated, &p.Comments, &p.JournalRef, &p.DOI, &p.License,
		&p.ProjectURL, &p.CodeURL, &s.version, &s.withdrawn}
}

func (s *paperScan) paper() (*quire.Paper, error) {
	p := s.p
	var err error
	if p.Authors, err = jsonStrings(s.authors); err != nil {
		return nil, err
	}
	if p.Categories, err = jsonStrings(s.categories); err != nil {
		return nil, err
	}
	if p.Versions, err = jsonVersions(s.version); err != nil {
		return nil, err
	}
	p.PublishedAt = timeFromNull(s.published)
	p.UpdatedAt = timeFromNull(s.updated)
	p.WithdrawnAt = timeFromNull(s.withdrawn)
	return &p, nil
}

func scanPaper(row scanner) (*quire.Paper, error) {
	var s paperScan
	if err := row.Scan(s.dest()...); err != nil {
		return nil, err
	}
	return s.paper()
}

// FindPaperByID returns the paper with canonical id, or an error of kind
// quire.ErrNotFound.
func (db *DB) FindPaperByID(ctx context.Context, id string) (_ *quire.Paper, err error) {
	defer quire.Wrap(&err, "FindPaperByID(%q)", id)
	p, err := scanPaper(db.queryRowRead(ctx, `SELECT `+paperColumns+` FROM papers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	return p, err
}

// CountPapers returns the number of papers in the catalogue.
func (db *DB) CountPapers(ctx context.Context) (n int, err error) {
	defer quire.Wrap(&err, "CountPapers")
	err = db.queryRowRead(ctx, `SELECT count(*) FROM papers`).Scan(&n)
	return n, err
}

// UpsertPapers inserts new papers and merges records of known ones, in one
// transaction (see quire.PaperStore).
func (db *DB) UpsertPapers(ctx context.Context, papers []*quire.Paper) (stats quire.UpsertStats, err error) {
	defer quire.Wrap(&err, "UpsertPapers(%d papers)", len(papers))
	batch, skipped := quire.PreparePapers(papers)
	stats.Skipped = skipped
	if len(batch) == 0 {
		return stats, nil
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		ids := make([]string, len(batch))
		for i, p := range batch {
			ids[i] = p.ID
		}
		existing, err := findPapersByIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO papers (`+paperColumns+`, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		var upd *sql.Stmt
		seq := seqCounter{tx: tx}
		for _, p := range batch {
			old, ok := existing[p.ID]
			if !ok {
				n, err := seq.next(ctx)
				if err != nil {
					return err
				}
				if _, err := ins.ExecContext(ctx, append(paperArgs(p), n)...); err != nil {
					return err
				}
				stats.Inserted++
				continue
			}
			merged, changed := quire.Merge(old, p)
			if !changed {
				stats.Unchanged++
				continue
			}
			if upd == nil {
				if upd, err = tx.PrepareContext(ctx, `UPDATE papers SET version = ?2, title = ?3,
					authors = ?4, abstract = ?5, categories = ?6, published_at = ?7, updated_at = ?8,
					comments = ?9, journal_ref = ?10, doi = ?11, license = ?12, project_url = ?13,
					code_url = ?14, versions = ?15, withdrawn_at = ?16, seq = ?17 WHERE id = ?1`); err != nil {
					return err
				}
				defer upd.Close()
			}
			n, err := seq.next(ctx)
			if err != nil {
				return err
			}
			if _, err := upd.ExecContext(ctx, append(paperArgs(&merged), n)...); err != nil {
				return err
			}
			stats.Updated++
		}
		return nil
	})
	if err != nil {
		return quire.UpsertStats{}, err
	}
	return stats, nil
}

func paperArgs(p *quire.Paper) []any {
	return []any{p.ID, p.Version, p.Title, jsonText(p.Authors), p.Abstract, jsonText(p.Categories),
		unixOrNull(p.PublishedAt), unixOrNull(p.UpdatedAt), p.Comments, p.JournalRef, p.DOI,
		p.License, p.ProjectURL, p.CodeURL, jsonText(p.Versions), unixOrNull(p.WithdrawnAt)}
}

// MarkWithdrawn records that arXiv withdrew the papers paperIDs at at (see
// quire.PaperStore). Papers already withdrawn keep their date and their
// place in the change feed, so a harvest that reports them again changes
// nothing.
func (db *DB) MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (n int, err error) {
	defer quire.Wrap(&err, "MarkWithdrawn(%d papers)", len(paperIDs))
	if err := checkWithdrawal(at); err != nil {
		return 0, err
	}
	ids := input.LookupIDs(paperIDs)
	if len(ids) == 0 {
		return 0, nil
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE papers SET withdrawn_at = ?, seq = ?
			WHERE id = ? AND withdrawn_at IS NULL`)
		if err != nil {
			return err
		}
		defer st.Close()
		seq := seqCounter{tx: tx}
		when := at.Unix()
		for _, id := range ids {
			// Each id takes a position whether or not its row changes;
			// those left unused are gaps, which feed readers skip.
			pos, err := seq.next(ctx)
			if err != nil {
				return err
			}
			res, err := st.ExecContext(ctx, when, pos, id)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// checkWithdrawal refuses a withdrawal date that is not set or that a
// paper could not keep (see quire.Paper.Validate).
func checkWithdrawal(at time.Time) error {
	if at.IsZero() {
		return quire.Invalidf("a withdrawal needs a date")
	}
	if err := (&quire.Paper{ID: "-", Title: "-", WithdrawnAt: at}).Validate(); err != nil {
		return quire.Invalidf("withdrawal date %s is outside the years 1-9999", at.UTC().Format(time.RFC3339))
	}
	return nil
}

// seqCounter hands out change-feed positions (papers.seq) within one write
// transaction. SQLite has a single writer, and a write transaction holds the
// write lock from BEGIN IMMEDIATE to its end, so the largest seq read at the
// first use is the largest committed one and no other transaction can take
// positions until this one commits: positions grow in commit order, which
// is what lets a feed reader resume after the last seq it saw.
type seqCounter struct {
	tx   *sql.Tx
	last int64 // the last position handed out; 0 before the first
}

// next returns a position larger than every one stored before.
func (c *seqCounter) next(ctx context.Context) (int64, error) {
	if c.last == 0 {
		// The unique index on seq makes max() one index probe.
		if err := c.tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM papers`).Scan(&c.last); err != nil {
			return 0, err
		}
	}
	c.last++
	return c.last, nil
}

// maxParams keeps IN lists well under SQLite's limit on bound parameters.
const maxParams = 500

// findPapersByIDs returns the stored papers among ids, by id.
func findPapersByIDs(ctx context.Context, tx *sql.Tx, ids []string) (map[string]*quire.Paper, error) {
	found := make(map[string]*quire.Paper, len(ids))
	for start := 0; start < len(ids); start += maxParams {
		chunk := ids[start:min(start+maxParams, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+paperColumns+` FROM papers WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			p, err := scanPaper(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			found[p.ID] = p
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
