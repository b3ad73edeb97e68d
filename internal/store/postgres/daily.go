package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
)

// entryColumns are the daily_entries columns in the order entryScan reads
// them and entryRow writes them.
var entryColumns = []string{"day", "paper_id", "title", "submitted_at", "submitter_name",
	"submitter_fullname", "submitter_avatar", "upvotes", "num_comments", "ai_summary",
	"ai_keywords", "thumbnail_url", "org_name", "org_fullname", "org_avatar"}

type entryScan struct {
	e         quire.DailyEntry
	day       pgtype.Date
	submitted pgtype.Timestamptz
	org       [3]pgtype.Text
}

func (s *entryScan) dest() []any {
	e := &s.e
	return []any{&s.day, &e.PaperID, &e.Title, &s.submitted, &e.Submitter.Name,
		&e.Submitter.Fullname, &e.Submitter.AvatarURL, &e.Upvotes, &e.NumComments,
		&e.AISummary, &e.AIKeywords, &e.ThumbnailURL, &s.org[0], &s.org[1], &s.org[2]}
}

func (s *entryScan) entry() *quire.DailyEntry {
	e := s.e
	e.Day = dayFromNull(s.day)
	e.SubmittedAt = timeFromNull(s.submitted)
	e.AIKeywords = nilIfEmpty(e.AIKeywords)
	e.Organization = quire.Organization{Name: s.org[0].String, Fullname: s.org[1].String, AvatarURL: s.org[2].String}
	return &e
}

func scanEntry(row pgx.CollectableRow) (*quire.DailyEntry, error) {
	var s entryScan
	if err := row.Scan(s.dest()...); err != nil {
		return nil, err
	}
	return s.entry(), nil
}

// entryRow is e's column values, in entryColumns order.
func entryRow(e *quire.DailyEntry) []any {
	return []any{dayOf(e.Day), e.PaperID, e.Title, timeOrNull(e.SubmittedAt), e.Submitter.Name,
		e.Submitter.Fullname, e.Submitter.AvatarURL, e.Upvotes, e.NumComments, e.AISummary,
		textArray(e.AIKeywords), e.ThumbnailURL, textOrNull(e.Organization.Name),
		textOrNull(e.Organization.Fullname), textOrNull(e.Organization.AvatarURL)}
}

// textOrNull stores "" as NULL, for the columns that newer sources fill.
func textOrNull(s string) pgtype.Text {
	return pgtype.Text{String: s, Valid: s != ""}
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
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, lockEntries); err != nil {
			return err
		}
		papers, existing, err := findEntriesOfBatch(ctx, tx, batch)
		if err != nil {
			return err
		}
		var inserts [][]any
		var updates [][]any
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
			old, ok := existing[entryKey{e.Day.Unix(), e.PaperID}]
			switch {
			case !papers[e.PaperID]:
				stats.Skipped++
			case !ok:
				inserts = append(inserts, entryRow(e))
				stats.Inserted++
				touch(e.PaperID)
			default:
				merged, changed := quire.MergeEntry(old, e)
				if !changed {
					stats.Unchanged++
					continue
				}
				updates = append(updates, entryRow(&merged))
				stats.Updated++
				touch(e.PaperID)
			}
		}
		if len(touched) == 0 {
			return nil
		}
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		if len(inserts) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"daily_entries"}, entryColumns, pgx.CopyFromRows(inserts)); err != nil {
				return err
			}
		}
		if err := updateFrom(ctx, tx, "daily_entries", entryColumns, 2, updates, ""); err != nil {
			return err
		}
		return bumpSeq(ctx, tx, touched)
	})
	if err != nil {
		return quire.UpsertStats{}, err
	}
	return stats, nil
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
	Replace(columns("e", entryColumns))

type entryKey struct {
	day     int64 // Unix seconds of the day's midnight UTC
	paperID string
}

// findEntriesOfBatch returns which of the batch's papers exist and the
// batch's entries that are already stored.
func findEntriesOfBatch(ctx context.Context, tx pgx.Tx, batch []*quire.DailyEntry) (papers map[string]bool, existing map[entryKey]*quire.DailyEntry, err error) {
	// Days go as text: without a prepared statement to name the parameter
	// types, a time would be sent as a timestamp, whose cast to date
	// depends on the session's time zone.
	days := make([]string, len(batch))
	ids := make([]string, len(batch))
	for i, e := range batch {
		days[i], ids[i] = e.Day.Format(quire.DayLayout), e.PaperID
	}
	rows, err := tx.Query(ctx, `SELECT id FROM papers WHERE id = ANY($1)`, batchPlan, ids)
	if err != nil {
		return nil, nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, err
	}
	papers = make(map[string]bool, len(found))
	for _, id := range found {
		papers[id] = true
	}
	rows, err = tx.Query(ctx, `SELECT `+columns("e", entryColumns)+`
		FROM daily_entries e JOIN unnest($1::date[], $2::text[]) AS k (day, paper_id)
		ON e.day = k.day AND e.paper_id = k.paper_id`, batchPlan, days, ids)
	if err != nil {
		return nil, nil, err
	}
	stored, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, nil, err
	}
	existing = make(map[entryKey]*quire.DailyEntry, len(stored))
	for _, e := range stored {
		existing[entryKey{e.Day.Unix(), e.PaperID}] = e
	}
	return papers, existing, nil
}

// FindDailyItems returns the entries that match f with their papers, and
// whether more follow (see quire.DailyStore).
func (db *DB) FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error) {
	defer quire.Wrap(&err, "FindDailyItems")
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.From.IsZero() {
		where = append(where, "day >= "+arg(dayOf(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "day < "+arg(dayOf(f.To)))
	}
	if f.Submitter != "" {
		where = append(where, "submitter_name = "+arg(f.Submitter))
	}
	if f.Organization != "" {
		where = append(where, "lower(org_name) = lower("+arg(f.Organization)+")")
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
	// Within one day (day, paper_id) is unique; across several days a paper
	// may be listed more than once, and the list shows its best-voted entry.
	// The community's counts are the same for every entry of a paper, so
	// the imported ones choose it.
	source := "SELECT * FROM daily_entries " + cond
	if f.From.IsZero() || f.To.IsZero() || f.To.Sub(f.From) > 24*time.Hour {
		source = `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY paper_id ORDER BY upvotes DESC, day DESC) AS rn
			FROM daily_entries ` + cond + `) ranked WHERE rn = 1`
	}
	q := `SELECT ` + liveEntry + `, ` + columns("p", paperColumns) + `
		FROM (` + source + `) e JOIN papers p ON p.id = e.paper_id AND p.hidden_at IS NULL AND p.withdrawn_at IS NULL
		ORDER BY ` + order
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit+1)
	}
	if f.Offset > 0 {
		q += " OFFSET " + arg(f.Offset)
	}
	items, err = readRows(ctx, db.read, func(row pgx.CollectableRow) (*quire.DailyItem, error) {
		var es entryScan
		var ps paperScan
		if err := row.Scan(append(es.dest(), ps.dest()...)...); err != nil {
			return nil, err
		}
		p, err := ps.paper()
		if err != nil {
			return nil, err
		}
		return &quire.DailyItem{Entry: *es.entry(), Paper: *p}, nil
	}, q, args...)
	if err != nil {
		return nil, false, err
	}
	if f.Limit > 0 && len(items) > f.Limit {
		return items[:f.Limit], true, nil
	}
	return items, false, nil
}

// FindDailyEntriesByPaper returns a paper's entries, newest day first.
func (db *DB) FindDailyEntriesByPaper(ctx context.Context, paperID string) (entries []*quire.DailyEntry, err error) {
	defer quire.Wrap(&err, "FindDailyEntriesByPaper(%q)", paperID)
	// CollectRows returns an empty, non-nil slice when nothing matches.
	return readRows(ctx, db.read, scanEntry, `SELECT `+liveEntry+` FROM daily_entries e
		JOIN papers p ON p.id = e.paper_id
		WHERE e.paper_id = $1 AND e.hidden_at IS NULL ORDER BY e.day DESC`, paperID)
}

// LatestDay returns the newest day with entries on or before the given day,
// or an error of kind quire.ErrNotFound.
func (db *DB) LatestDay(ctx context.Context, onOrBefore time.Time) (_ time.Time, err error) {
	defer quire.Wrap(&err, "LatestDay")
	var day pgtype.Date
	err = db.read.run(ctx, func(q querier) error {
		return q.QueryRow(ctx, `SELECT max(day) FROM daily_entries WHERE day <= $1 AND hidden_at IS NULL`,
			dayOf(onOrBefore)).Scan(&day)
	})
	if err != nil {
		return time.Time{}, err
	}
	if !day.Valid {
		return time.Time{}, quire.ErrNotFound
	}
	return dayFromNull(day), nil
}

// NeighbourDays returns the nearest days with entries before and after day.
func (db *DB) NeighbourDays(ctx context.Context, day time.Time) (prev, next time.Time, err error) {
	defer quire.Wrap(&err, "NeighbourDays")
	var p, n pgtype.Date
	err = db.read.run(ctx, func(q querier) error {
		return q.QueryRow(ctx, `SELECT
			(SELECT max(day) FROM daily_entries WHERE day < $1 AND hidden_at IS NULL),
			(SELECT min(day) FROM daily_entries WHERE day > $1 AND hidden_at IS NULL)`, dayOf(day)).Scan(&p, &n)
	})
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return dayFromNull(p), dayFromNull(n), nil
}
