package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"quire"
)

// entryColumns are the daily_entries columns in the order scanEntry reads them.
const entryColumns = `day, paper_id, title, submitted_at, submitter_name, submitter_fullname,
	submitter_avatar, upvotes, num_comments, ai_summary, ai_keywords, thumbnail_url,
	org_name, org_fullname, org_avatar`

type entryScan struct {
	e             quire.DailyEntry
	day, keywords string
	submitted     sql.NullInt64
	org           [3]sql.NullString
}

func (s *entryScan) dest() []any {
	e := &s.e
	return []any{&s.day, &e.PaperID, &e.Title, &s.submitted, &e.Submitter.Name,
		&e.Submitter.Fullname, &e.Submitter.AvatarURL, &e.Upvotes, &e.NumComments,
		&e.AISummary, &s.keywords, &e.ThumbnailURL, &s.org[0], &s.org[1], &s.org[2]}
}

func (s *entryScan) entry() (*quire.DailyEntry, error) {
	e := s.e
	var err error
	if e.Day, err = dayFromText(s.day); err != nil {
		return nil, err
	}
	if e.AIKeywords, err = jsonStrings(s.keywords); err != nil {
		return nil, err
	}
	e.SubmittedAt = timeFromNull(s.submitted)
	e.Organization = quire.Organization{Name: s.org[0].String, Fullname: s.org[1].String, AvatarURL: s.org[2].String}
	return &e, nil
}

func entryArgs(e *quire.DailyEntry) []any {
	return []any{dayText(e.Day), e.PaperID, e.Title, unixOrNull(e.SubmittedAt), e.Submitter.Name,
		e.Submitter.Fullname, e.Submitter.AvatarURL, e.Upvotes, e.NumComments, e.AISummary,
		jsonText(e.AIKeywords), e.ThumbnailURL, nullIfEmpty(e.Organization.Name),
		nullIfEmpty(e.Organization.Fullname), nullIfEmpty(e.Organization.AvatarURL)}
}

// nullIfEmpty stores "" as NULL, for the columns that newer sources fill.
func nullIfEmpty(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// UpsertDailyEntries inserts new entries and merges known ones, in one
// transaction (see quire.DailyStore).
func (db *DB) UpsertDailyEntries(ctx context.Context, entries []*quire.DailyEntry) (stats quire.UpsertStats, err error) {
	defer quire.Wrap(&err, "UpsertDailyEntries(%d entries)", len(entries))
	batch, skipped := quire.PrepareEntries(entries)
	stats.Skipped = skipped
	if len(batch) == 0 {
		return stats, nil
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		find, err := tx.PrepareContext(ctx, `SELECT `+entryColumns+` FROM daily_entries WHERE day = ? AND paper_id = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		hasPaper, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM papers WHERE id = ?)`)
		if err != nil {
			return err
		}
		defer hasPaper.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO daily_entries (`+entryColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE daily_entries SET title = ?3, submitted_at = ?4,
			submitter_name = ?5, submitter_fullname = ?6, submitter_avatar = ?7, upvotes = ?8,
			num_comments = ?9, ai_summary = ?10, ai_keywords = ?11, thumbnail_url = ?12,
			org_name = ?13, org_fullname = ?14, org_avatar = ?15
			WHERE day = ?1 AND paper_id = ?2`)
		if err != nil {
			return err
		}
		defer upd.Close()
		// Papers whose entries change move up the change feed, once each.
		var touched []string
		seen := map[string]bool{}
		touch := func(id string) {
			if !seen[id] {
				seen[id] = true
				touched = append(touched, id)
			}
		}
		for _, e := range batch {
			old, paperExists, err := findEntry(ctx, find, hasPaper, e)
			if err != nil {
				return err
			}
			switch {
			case !paperExists:
				stats.Skipped++
			case old == nil:
				if _, err := ins.ExecContext(ctx, entryArgs(e)...); err != nil {
					return err
				}
				stats.Inserted++
				touch(e.PaperID)
			default:
				merged, changed := quire.MergeEntry(old, e)
				if !changed {
					stats.Unchanged++
					continue
				}
				if _, err := upd.ExecContext(ctx, entryArgs(&merged)...); err != nil {
					return err
				}
				stats.Updated++
				touch(e.PaperID)
			}
		}
		return bumpSeq(ctx, tx, touched)
	})
	if err != nil {
		return quire.UpsertStats{}, err
	}
	return stats, nil
}

// bumpSeq gives each of the papers ids a new change-feed position.
func bumpSeq(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `UPDATE papers SET seq = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	seq := seqCounter{tx: tx}
	for _, id := range ids {
		n, err := seq.next(ctx)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, n, id); err != nil {
			return err
		}
	}
	return nil
}

// findEntry reads the stored entry for e's key (nil when absent) and whether
// e's paper exists.
func findEntry(ctx context.Context, find, hasPaper *sql.Stmt, e *quire.DailyEntry) (*quire.DailyEntry, bool, error) {
	var s entryScan
	err := find.QueryRowContext(ctx, dayText(e.Day), e.PaperID).Scan(s.dest()...)
	if err == nil {
		old, err := s.entry()
		return old, true, err // the foreign key guarantees the paper
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	var exists bool
	err = hasPaper.QueryRowContext(ctx, e.PaperID).Scan(&exists)
	return nil, exists, err
}

// FindDailyItems returns the entries that match f with their papers, and
// whether more follow (see quire.DailyStore).
func (db *DB) FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error) {
	defer quire.Wrap(&err, "FindDailyItems")
	var where []string
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, "day >= ?"), append(args, dayText(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "day < ?"), append(args, dayText(f.To))
	}
	if f.Submitter != "" {
		where, args = append(where, "submitter_name = ?"), append(args, f.Submitter)
	}
	if f.Organization != "" {
		where, args = append(where, "lower(org_name) = lower(?)"), append(args, f.Organization)
	}
	// Hidden entries are left out before choosing a paper's best entry.
	where = append(where, "hidden_at IS NULL")
	cond := "WHERE " + strings.Join(where, " AND ")
	var order string
	switch f.Sort {
	case quire.SortNew:
		order = "e.submitted_at DESC NULLS LAST, e.day DESC, e.paper_id DESC"
	case quire.SortUpvotes, "":
		order = liveUpvotes + " DESC, " + liveComments + " DESC, e.submitted_at DESC NULLS LAST, e.paper_id DESC"
	default:
		return nil, false, quire.Invalidf("unknown sort %q", f.Sort)
	}
	// Within one day (paper_id, day) is unique; across several days a paper
	// may be listed more than once, and the list shows its best-voted entry.
	// The community's counts are the same for every entry of a paper, so
	// the imported ones choose it.
	source := "daily_entries " + cond
	if f.From.IsZero() || f.To.IsZero() || f.To.Sub(f.From) > 24*time.Hour {
		source = `(SELECT *, row_number() OVER (PARTITION BY paper_id ORDER BY upvotes DESC, day DESC) AS rn
			FROM daily_entries ` + cond + `) WHERE rn = 1`
	}
	q := `SELECT ` + liveEntry + `, ` + prefixed("p") + `
		FROM (SELECT * FROM ` + source + `) e JOIN papers p ON p.id = e.paper_id AND p.hidden_at IS NULL AND p.withdrawn_at IS NULL
		ORDER BY ` + order
	// One more row than asked tells whether another page follows.
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit + 1
	}
	q += " LIMIT ? OFFSET ?"
	args = append(args, limit, max(f.Offset, 0))
	rows, err := db.queryRead(ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var es entryScan
		var ps paperScan
		if err := rows.Scan(append(es.dest(), ps.dest()...)...); err != nil {
			return nil, false, err
		}
		e, err := es.entry()
		if err != nil {
			return nil, false, err
		}
		p, err := ps.paper()
		if err != nil {
			return nil, false, err
		}
		items = append(items, &quire.DailyItem{Entry: *e, Paper: *p})
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if f.Limit > 0 && len(items) > f.Limit {
		return items[:f.Limit], true, nil
	}
	return items, false, nil
}

// Entries as readers see them: an entry aliased e, joined with its paper
// aliased p, reports the displayed counts (see quire.VoteStore) in place of
// the imported ones.
const (
	liveUpvotes  = "(e.upvotes + p.vote_count)"
	liveComments = "(e.num_comments + p.comment_count)"
)

// liveEntry is entryColumns of e with the displayed counts.
var liveEntry = strings.NewReplacer("e.upvotes", liveUpvotes, "e.num_comments", liveComments).
	Replace(qualified("e", entryColumns))

// FindDailyEntriesByPaper returns a paper's entries, newest day first.
func (db *DB) FindDailyEntriesByPaper(ctx context.Context, paperID string) (entries []*quire.DailyEntry, err error) {
	defer quire.Wrap(&err, "FindDailyEntriesByPaper(%q)", paperID)
	rows, err := db.queryRead(ctx, `SELECT `+liveEntry+` FROM daily_entries e
		JOIN papers p ON p.id = e.paper_id
		WHERE e.paper_id = ? AND e.hidden_at IS NULL ORDER BY e.day DESC`, paperID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries = []*quire.DailyEntry{}
	for rows.Next() {
		var s entryScan
		if err := rows.Scan(s.dest()...); err != nil {
			return nil, err
		}
		e, err := s.entry()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// LatestDay returns the newest day with entries on or before the given day,
// or an error of kind quire.ErrNotFound.
func (db *DB) LatestDay(ctx context.Context, onOrBefore time.Time) (_ time.Time, err error) {
	defer quire.Wrap(&err, "LatestDay")
	var day sql.NullString
	err = db.queryRowRead(ctx, `SELECT max(day) FROM daily_entries WHERE day <= ? AND hidden_at IS NULL`,
		dayText(onOrBefore)).Scan(&day)
	if err != nil {
		return time.Time{}, err
	}
	if !day.Valid {
		return time.Time{}, quire.ErrNotFound
	}
	return dayFromText(day.String)
}

// NeighbourDays returns the nearest days with entries before and after day.
func (db *DB) NeighbourDays(ctx context.Context, day time.Time) (prev, next time.Time, err error) {
	defer quire.Wrap(&err, "NeighbourDays")
	var p, n sql.NullString
	d := dayText(day)
	err = db.queryRowRead(ctx, `SELECT
		(SELECT max(day) FROM daily_entries WHERE day < ?1 AND hidden_at IS NULL),
		(SELECT min(day) FROM daily_entries WHERE day > ?1 AND hidden_at IS NULL)`, d).Scan(&p, &n)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if p.Valid {
		if prev, err = dayFromText(p.String); err != nil {
			return
		}
	}
	if n.Valid {
		if next, err = dayFromText(n.String); err != nil {
			return
		}
	}
	return prev, next, nil
}
