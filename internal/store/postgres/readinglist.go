package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// listColumns are the reading_lists columns in the order scanList reads
// them, with the owner's name and the paper count.
const listColumns = `l.id, l.account_id, a.username, l.name, l.description, l.public, l.created_at, l.updated_at,
	(SELECT count(*) FROM reading_list_papers p WHERE p.list_id = l.id)`

const listFrom = ` FROM reading_lists l JOIN accounts a ON a.id = l.account_id`

func scanList(row pgx.Row) (*quire.ReadingList, error) {
	var l quire.ReadingList
	if err := row.Scan(&l.ID, &l.AccountID, &l.Owner, &l.Name, &l.Description, &l.Public,
		&l.CreatedAt, &l.UpdatedAt, &l.Count); err != nil {
		return nil, err
	}
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	return &l, nil
}

// CreateList stores a new reading list (see quire.ReadingListStore).
func (db *DB) CreateList(ctx context.Context, in *quire.ReadingList) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "CreateList(%d, %q)", in.AccountID, in.Name)
	l, err := quire.PrepareList(in)
	if err != nil {
		return nil, err
	}
	now := input.OrNow(time.Time{})
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := activeAccount(ctx, tx, l.AccountID); err != nil {
			return err
		}
		// The account's row lock makes concurrent creations take turns, so
		// the count below stays true until the insert. NO KEY leaves
		// inserts that merely reference the account (votes, sessions)
		// unblocked.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, l.AccountID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM reading_lists WHERE account_id = $1`, l.AccountID).Scan(&n); err != nil {
			return err
		}
		if n >= quire.MaxListsPerAccount {
			return quire.Conflictf("You have %d lists, the most an account may keep; delete one first.", n)
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO reading_lists (account_id, name, name_key, description, public, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id`,
			l.AccountID, l.Name, quire.ListNameKey(l.Name), l.Description, l.Public, now).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return quire.ListConflict(l.Name)
		}
		if err != nil {
			return err
		}
		l, err = scanList(tx.QueryRow(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = $1`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// FindList returns one reading list, or an error of kind quire.ErrNotFound.
func (db *DB) FindList(ctx context.Context, id int64) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "FindList(%d)", id)
	l, err := scanList(db.pool.QueryRow(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.ErrNoList
	}
	return l, err
}

// FindListsByAccount returns an account's lists by name.
func (db *DB) FindListsByAccount(ctx context.Context, accountID int64, publicOnly bool) (_ []*quire.ReadingList, err error) {
	defer quire.Wrap(&err, "FindListsByAccount(%d, %v)", accountID, publicOnly)
	rows, err := db.pool.Query(ctx, `SELECT `+listColumns+listFrom+`
		WHERE l.account_id = $1 AND (l.public OR NOT $2) ORDER BY l.name_key, l.id`, accountID, publicOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lists := []*quire.ReadingList{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		lists = append(lists, l)
	}
	return lists, rows.Err()
}

// UpdateList replaces a list's name, description and visibility.
func (db *DB) UpdateList(ctx context.Context, in *quire.ReadingList) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "UpdateList(%d)", in.ID)
	l, err := quire.PrepareList(in)
	if err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := ownList(ctx, tx, l.ID, l.AccountID); err != nil {
			return err
		}
		var clash bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reading_lists
			WHERE account_id = $1 AND name_key = $2 AND id <> $3)`, l.AccountID, quire.ListNameKey(l.Name), l.ID).Scan(&clash); err != nil {
			return err
		}
		if clash {
			return quire.ListConflict(l.Name)
		}
		_, err := tx.Exec(ctx, `UPDATE reading_lists SET name = $1, name_key = $2, description = $3, public = $4,
			updated_at = $5 WHERE id = $6`, l.Name, quire.ListNameKey(l.Name), l.Description, l.Public, input.OrNow(time.Time{}), l.ID)
		if isUniqueViolation(err) {
			// Another list took the name after the check above.
			return quire.ListConflict(l.Name)
		}
		if err != nil {
			return err
		}
		l, err = scanList(tx.QueryRow(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = $1`, l.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteList removes a list and its saved papers.
func (db *DB) DeleteList(ctx context.Context, listID, accountID int64) (err error) {
	defer quire.Wrap(&err, "DeleteList(%d)", listID)
	return db.transact(ctx, func(tx pgx.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM reading_lists WHERE id = $1`, listID)
		return err
	})
}

// SavePapers adds papers to a list and returns how many were new.
func (db *DB) SavePapers(ctx context.Context, listID, accountID int64, paperIDs []string, at time.Time) (added int, err error) {
	defer quire.Wrap(&err, "SavePapers(%d, %d ids)", listID, len(paperIDs))
	ids, err := input.SaveIDs(paperIDs)
	if err != nil {
		return 0, err
	}
	if err := input.CheckTime(at); err != nil {
		return 0, err
	}
	at = input.OrNow(at)
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		var missing string
		err := tx.QueryRow(ctx, `SELECT i FROM unnest($1::text[]) i
			WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.id = i) LIMIT 1`, ids).Scan(&missing)
		if err == nil {
			return quire.NotFoundf("Paper %s is not in the catalogue.", missing)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO reading_list_papers (list_id, paper_id, saved_at)
			SELECT $1, i, $3 FROM unnest($2::text[]) i ON CONFLICT DO NOTHING`, listID, ids, at)
		if err != nil {
			return err
		}
		added = int(tag.RowsAffected())
		var total int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM reading_list_papers WHERE list_id = $1`, listID).Scan(&total); err != nil {
			return err
		}
		if total > quire.MaxListPapers {
			return quire.Conflictf("A list holds at most %d papers; start another list.", quire.MaxListPapers)
		}
		return touchList(ctx, tx, listID, added > 0)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// RemovePaper takes a paper off a list.
func (db *DB) RemovePaper(ctx context.Context, listID, accountID int64, paperID string) (err error) {
	defer quire.Wrap(&err, "RemovePaper(%d, %q)", listID, paperID)
	return db.transact(ctx, func(tx pgx.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		if !input.IsText(paperID) {
			return nil // no stored paper has this id
		}
		tag, err := tx.Exec(ctx, `DELETE FROM reading_list_papers WHERE list_id = $1 AND paper_id = $2`, listID, paperID)
		if err != nil {
			return err
		}
		return touchList(ctx, tx, listID, tag.RowsAffected() > 0)
	})
}

// SetSavedNote replaces the note on a saved paper.
func (db *DB) SetSavedNote(ctx context.Context, listID, accountID int64, paperID, note string) (err error) {
	defer quire.Wrap(&err, "SetSavedNote(%d, %q)", listID, paperID)
	note, err = quire.NormalizeListNote(note)
	if err != nil {
		return err
	}
	return db.updateSaved(ctx, listID, accountID, paperID, `note = $1`, note)
}

// SetSavedRead marks a saved paper read or unread.
func (db *DB) SetSavedRead(ctx context.Context, listID, accountID int64, paperID string, read bool, at time.Time) (err error) {
	defer quire.Wrap(&err, "SetSavedRead(%d, %q, %v)", listID, paperID, read)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	if !read {
		return db.updateSaved(ctx, listID, accountID, paperID, `read_at = $1`, nil)
	}
	return db.updateSaved(ctx, listID, accountID, paperID, `read_at = coalesce(read_at, $1)`, input.OrNow(at))
}

// updateSaved sets one column of a saved paper ($1 in set), after checking
// the owner.
func (db *DB) updateSaved(ctx context.Context, listID, accountID int64, paperID, set string, v any) error {
	return db.transact(ctx, func(tx pgx.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		if !input.IsText(paperID) {
			return errNotSaved
		}
		tag, err := tx.Exec(ctx, `UPDATE reading_list_papers SET `+set+` WHERE list_id = $2 AND paper_id = $3`, v, listID, paperID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errNotSaved
		}
		return touchList(ctx, tx, listID, true)
	})
}

// FindSavedPapers returns a list's papers, most recently saved first.
func (db *DB) FindSavedPapers(ctx context.Context, listID int64) (_ []*quire.SavedPaper, err error) {
	defer quire.Wrap(&err, "FindSavedPapers(%d)", listID)
	rows, err := db.pool.Query(ctx, `SELECT s.note, s.saved_at, s.read_at, `+columns("p", paperColumns)+`
		FROM reading_list_papers s JOIN papers p ON p.id = s.paper_id
		WHERE s.list_id = $1 ORDER BY s.saved_at DESC, s.paper_id`, listID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*quire.SavedPaper{}
	for rows.Next() {
		sp := &quire.SavedPaper{ListID: listID}
		var read pgtype.Timestamptz
		var ps paperScan
		if err := rows.Scan(append([]any{&sp.Note, &sp.SavedAt, &read}, ps.dest()...)...); err != nil {
			return nil, err
		}
		if sp.Paper, err = ps.paper(); err != nil {
			return nil, err
		}
		sp.PaperID, sp.SavedAt, sp.ReadAt = sp.Paper.ID, sp.SavedAt.UTC(), timeFromNull(read)
		out = append(out, sp)
	}
	return out, rows.Err()
}

// FindListsWithPaper returns which of the account's lists hold the paper.
func (db *DB) FindListsWithPaper(ctx context.Context, accountID int64, paperID string) (_ map[int64]bool, err error) {
	defer quire.Wrap(&err, "FindListsWithPaper(%d, %q)", accountID, paperID)
	in := map[int64]bool{}
	if !input.IsText(paperID) {
		return in, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT s.list_id FROM reading_list_papers s
		JOIN reading_lists l ON l.id = s.list_id WHERE l.account_id = $1 AND s.paper_id = $2`, accountID, paperID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		in[id] = true
	}
	return in, rows.Err()
}

// FindPaperIDsByDOI maps the known DOIs among dois to their papers' ids.
func (db *DB) FindPaperIDsByDOI(ctx context.Context, dois []string) (_ map[string]string, err error) {
	defer quire.Wrap(&err, "FindPaperIDsByDOI(%d dois)", len(dois))
	keys := input.DOIKeys(dois)
	found := map[string]string{}
	if len(keys) == 0 {
		return found, nil
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	// lower(doi) and doi <> '' match the partial index papers_doi. The
	// keys are ASCII, which lower() folds alike on both backends.
	rows, err := db.pool.Query(ctx, `SELECT lower(doi), min(id COLLATE "C") FROM papers
		WHERE doi <> '' AND lower(doi) = ANY($1) GROUP BY lower(doi)`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			return nil, err
		}
		for _, d := range keys[key] {
			found[d] = id
		}
	}
	return found, rows.Err()
}

// ownList returns quire.ErrNoList unless the list exists and belongs to the
// account, which must be active. It locks the list's row, so that writes to
// one list take turns (the size limit counts under it).
func ownList(ctx context.Context, tx pgx.Tx, listID, accountID int64) error {
	if _, err := activeAccount(ctx, tx, accountID); err != nil {
		return err
	}
	var owner int64
	err := tx.QueryRow(ctx, `SELECT account_id FROM reading_lists WHERE id = $1 FOR NO KEY UPDATE`, listID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && owner != accountID {
		return quire.ErrNoList
	}
	return err
}

// touchList moves a list's UpdatedAt to now when changed.
func touchList(ctx context.Context, tx pgx.Tx, listID int64, changed bool) error {
	if !changed {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE reading_lists SET updated_at = $1 WHERE id = $2`, input.OrNow(time.Time{}), listID)
	return err
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// errNotSaved is the error for a paper that is not on the list.
var errNotSaved = quire.NotFoundf("This paper is not on the list.")
