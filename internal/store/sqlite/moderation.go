package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// moderate runs one moderation action in a write transaction: it checks m,
// runs fn, which reports whether it changed anything, and records a changed
// state in the audit log.
func (db *DB) moderate(ctx context.Context, m quire.Moderation, kind, target string,
	fn func(tx *sql.Tx, at time.Time) (action string, err error)) error {
	m.Normalize()
	m.At = input.OrNow(m.At)
	if err := m.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(tx *sql.Tx) error {
		var actor any // NULL: an operator on the command line
		if m.ActorID != 0 {
			actor = m.ActorID
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)`,
				m.ActorID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return quire.NotFoundf("There is no account %d to act as moderator.", m.ActorID)
			}
		}
		action, err := fn(tx, m.At)
		if err != nil || action == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, target_kind, target_id, reason, at)
			VALUES (?, ?, ?, ?, ?, ?)`, actor, action, kind, target, m.Reason, m.At.Unix())
		return err
	})
}

// hideAction is the audit action that sets hidden, or "" when the object's
// state (was) already says so.
func hideAction(hidden bool, was sql.NullInt64) string {
	switch {
	case hidden == was.Valid:
		return ""
	case hidden:
		return quire.ActionHide
	default:
		return quire.ActionUnhide
	}
}

// hiddenAt is the hidden_at value that hidden at at sets.
func hiddenAt(hidden bool, at time.Time) any {
	if hidden {
		return at.Unix()
	}
	return nil
}

// SetPaperHidden hides a paper from every list, or shows it again.
func (db *DB) SetPaperHidden(ctx context.Context, paperID string, hidden bool, m quire.Moderation) (err error) {
	defer quire.Wrap(&err, "SetPaperHidden(%q, %v)", paperID, hidden)
	if !input.PaperIDOK(paperID) {
		return errNoPaper
	}
	return db.moderate(ctx, m, quire.TargetPaper, paperID, func(tx *sql.Tx, at time.Time) (string, error) {
		var was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT hidden_at FROM papers WHERE id = ?`, paperID).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return "", errNoPaper
		}
		action := hideAction(hidden, was)
		if err != nil || action == "" {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE papers SET hidden_at = ? WHERE id = ?`, hiddenAt(hidden, at), paperID); err != nil {
			return "", err
		}
		return action, bumpSeq(ctx, tx, []string{paperID})
	})
}

// SetEntryHidden hides one daily entry, or shows it again.
func (db *DB) SetEntryHidden(ctx context.Context, day time.Time, paperID string, hidden bool, m quire.Moderation) (err error) {
	defer quire.Wrap(&err, "SetEntryHidden(%s, %q, %v)", dayText(day), paperID, hidden)
	if !input.PaperIDOK(paperID) {
		return errNoPaper
	}
	d := dayText(day)
	noEntry := quire.NotFoundf("Paper %s is not on the list of %s.", paperID, d)
	return db.moderate(ctx, m, quire.TargetEntry, quire.EntryTargetID(day, paperID), func(tx *sql.Tx, at time.Time) (string, error) {
		var was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT hidden_at FROM daily_entries WHERE day = ? AND paper_id = ?`,
			d, paperID).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return "", noEntry
		}
		action := hideAction(hidden, was)
		if err != nil || action == "" {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE daily_entries SET hidden_at = ? WHERE day = ? AND paper_id = ?`,
			hiddenAt(hidden, at), d, paperID); err != nil {
			return "", err
		}
		// The paper's best entry, whose counts the feed reports, may change.
		return action, bumpSeq(ctx, tx, []string{paperID})
	})
}

// SetCommentHidden hides a comment, or shows it again.
func (db *DB) SetCommentHidden(ctx context.Context, commentID int64, hidden bool, m quire.Moderation) (err error) {
	defer quire.Wrap(&err, "SetCommentHidden(%d, %v)", commentID, hidden)
	return db.moderate(ctx, m, quire.TargetComment, quire.IDTargetID(commentID), func(tx *sql.Tx, at time.Time) (string, error) {
		var paperID string
		var was, deleted sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT paper_id, hidden_at, deleted_at FROM comments WHERE id = ?`,
			commentID).Scan(&paperID, &was, &deleted)
		if errors.Is(err, sql.ErrNoRows) {
			return "", errNoComment(commentID)
		}
		action := hideAction(hidden, was)
		if err != nil || action == "" {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET hidden_at = ? WHERE id = ?`, hiddenAt(hidden, at), commentID); err != nil {
			return "", err
		}
		if deleted.Valid {
			return action, nil // a deleted comment counts neither way
		}
		delta := 1
		if hidden {
			delta = -1
		}
		return action, addCounts(ctx, tx, paperID, 0, delta)
	})
}

// SetAccountDisabled disables an account, ending its sessions, or enables it.
func (db *DB) SetAccountDisabled(ctx context.Context, accountID int64, disabled bool, m quire.Moderation) (err error) {
	defer quire.Wrap(&err, "SetAccountDisabled(%d, %v)", accountID, disabled)
	return db.moderate(ctx, m, quire.TargetAccount, quire.IDTargetID(accountID), func(tx *sql.Tx, at time.Time) (string, error) {
		var was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT disabled_at FROM accounts WHERE id = ?`, accountID).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return "", quire.NotFoundf("There is no account %d.", accountID)
		}
		if err != nil || disabled == was.Valid {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET disabled_at = ? WHERE id = ?`, hiddenAt(disabled, at), accountID); err != nil {
			return "", err
		}
		if !disabled {
			return quire.ActionEnable, nil
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID)
		return quire.ActionDisable, err
	})
}

// SetAccountRole gives an account a role.
func (db *DB) SetAccountRole(ctx context.Context, accountID int64, role quire.Role, m quire.Moderation) (err error) {
	defer quire.Wrap(&err, "SetAccountRole(%d, %q)", accountID, role)
	if !role.Valid() {
		return quire.Invalidf("%q is not a role (member, moderator or admin)", role)
	}
	return db.moderate(ctx, m, quire.TargetAccount, quire.IDTargetID(accountID), func(tx *sql.Tx, _ time.Time) (string, error) {
		var was string
		err := tx.QueryRowContext(ctx, `SELECT role FROM accounts WHERE id = ?`, accountID).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return "", quire.NotFoundf("There is no account %d.", accountID)
		}
		if err != nil || quire.Role(was) == role {
			return "", err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET role = ? WHERE id = ?`, string(role), accountID)
		return quire.RoleAction(role), err
	})
}

// FindHiddenPapers returns when each hidden paper among paperIDs was hidden.
func (db *DB) FindHiddenPapers(ctx context.Context, paperIDs []string) (_ map[string]time.Time, err error) {
	defer quire.Wrap(&err, "FindHiddenPapers(%d ids)", len(paperIDs))
	hidden := map[string]time.Time{}
	want := input.LookupIDs(paperIDs)
	if len(want) == 0 {
		return hidden, nil
	}
	rows, err := db.queryRead(ctx, `SELECT id, hidden_at FROM papers
		WHERE id IN (SELECT value FROM json_each(?)) AND hidden_at IS NOT NULL`, jsonText(want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		hidden[id] = unixTime(at)
	}
	return hidden, rows.Err()
}

// ListAudit returns a page of the audit log, newest first.
func (db *DB) ListAudit(ctx context.Context, limit, offset int) (entries []*quire.AuditEntry, err error) {
	defer quire.Wrap(&err, "ListAudit(%d, %d)", limit, offset)
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.queryRead(ctx, `SELECT l.id, coalesce(l.actor_id, 0), coalesce(a.username, ''), l.action,
			l.target_kind, l.target_id, l.reason, l.at
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id
		ORDER BY l.at DESC, l.id DESC LIMIT ? OFFSET ?`, limit, max(offset, 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries = []*quire.AuditEntry{}
	for rows.Next() {
		e := &quire.AuditEntry{}
		var at int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.TargetKind, &e.TargetID, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = unixTime(at)
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
