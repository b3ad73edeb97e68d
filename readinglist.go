package quire

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// ReadingList is a member's named collection of saved papers. A private
// list is seen by its owner only; a public one has a page and feeds that
// anyone may read.
type ReadingList struct {
	ID        int64
	AccountID int64
	// Owner is the account's username and Count the number of saved
	// papers, both filled when read.
	Owner       string
	Count       int
	Name        string
	Description string
	Public      bool
	CreatedAt   time.Time
	// UpdatedAt moves whenever the list or one of its papers changes, so
	// that feeds can date themselves.
	UpdatedAt time.Time
}

// SavedPaper is one paper on a reading list.
type SavedPaper struct {
	ListID  int64
	PaperID string
	// Note is the owner's plain-text note on the paper ("" for none).
	Note string
	// SavedAt is when the paper joined the list; ReadAt when the owner
	// marked it read (zero while unread).
	SavedAt time.Time
	ReadAt  time.Time
	// Paper is the catalogue's record, filled by FindSavedPapers.
	Paper *Paper
}

// Read reports whether the owner marked the paper read.
func (s *SavedPaper) Read() bool { return !s.ReadAt.IsZero() }

// Limits on reading lists.
const (
	MaxListNameLen        = 100
	MaxListDescriptionLen = 2000
	MaxListNoteLen        = 5000
	// MaxListsPerAccount and MaxListPapers keep one member from filling the
	// database; they are far above what a reader keeps.
	MaxListsPerAccount = 200
	MaxListPapers      = 5000
)

// ReadingListStore keeps reading lists. Every write names the acting
// account: a list that does not exist, or that belongs to another account,
// is an error of kind ErrNotFound for writes (which so reveal nothing about
// private lists), and a disabled account is refused (ErrUnauthorized).
// Whether a reader may see a list is the caller's to check with Public and
// AccountID.
type ReadingListStore interface {
	// CreateList stores a new list for l.AccountID (its name and
	// description normalised, see PrepareList) and returns it as stored,
	// with ID, Owner and the times set. A second list of the same name
	// (whatever its case) for one account is an error of kind ErrConflict,
	// more than MaxListsPerAccount lists one of kind ErrConflict.
	CreateList(ctx context.Context, l *ReadingList) (*ReadingList, error)
	// FindList returns one list, or an error of kind ErrNotFound.
	FindList(ctx context.Context, id int64) (*ReadingList, error)
	// FindListsByAccount returns an account's lists, by name; with
	// publicOnly, its public ones only.
	FindListsByAccount(ctx context.Context, accountID int64, publicOnly bool) ([]*ReadingList, error)
	// UpdateList replaces the name, description and visibility of list
	// l.ID, owned by l.AccountID, and returns it.
	UpdateList(ctx context.Context, l *ReadingList) (*ReadingList, error)
	// DeleteList removes a list and its saved papers.
	DeleteList(ctx context.Context, listID, accountID int64) error
	// SavePapers adds papers to a list at at (zero: now), in one
	// transaction, and returns how many were new: saving a paper twice
	// keeps its first date and note. An id the catalogue does not hold is
	// an error of kind ErrNotFound and nothing is saved; a list that would
	// pass MaxListPapers is refused (ErrConflict).
	SavePapers(ctx context.Context, listID, accountID int64, paperIDs []string, at time.Time) (added int, err error)
	// RemovePaper takes a paper off a list; removing one that is not on
	// it changes nothing.
	RemovePaper(ctx context.Context, listID, accountID int64, paperID string) error
	// SetSavedNote replaces the note on a saved paper (normalised, see
	// NormalizeListNote; "" removes it). A paper not on the list is an
	// error of kind ErrNotFound.
	SetSavedNote(ctx context.Context, listID, accountID int64, paperID, note string) error
	// SetSavedRead marks a saved paper read at at (zero: now) or unread.
	// Marking it read again keeps the first date. A paper not on the list
	// is an error of kind ErrNotFound.
	SetSavedRead(ctx context.Context, listID, accountID int64, paperID string, read bool, at time.Time) error
	// FindSavedPapers returns a list's papers with their catalogue
	// records, most recently saved first (then by paper id).
	FindSavedPapers(ctx context.Context, listID int64) ([]*SavedPaper, error)
	// FindListsWithPaper returns which of the account's lists hold the
	// paper (only those are in the map).
	FindListsWithPaper(ctx context.Context, accountID int64, paperID string) (map[int64]bool, error)
	// FindPaperIDsByDOI maps the DOIs among dois that catalogue papers
	// carry to those papers' ids. DOIs compare without regard to ASCII
	// case, and the map is keyed by the DOIs as given.
	FindPaperIDsByDOI(ctx context.Context, dois []string) (map[string]string, error)
}

// NormalizeListNote returns note in the form stores keep: line breaks as
// "\n", other control characters as spaces, surrounding white space
// removed. Invalid UTF-8, NUL, or a note longer than MaxListNoteLen is an
// error of kind ErrInvalid.
func NormalizeListNote(note string) (string, error) {
	if !utf8.ValidString(note) || strings.Contains(note, "\x00") {
		return "", Invalidf("A note must be UTF-8 text without NUL characters.")
	}
	note = strings.ReplaceAll(note, "\r\n", "\n")
	note = strings.ReplaceAll(note, "\r", "\n")
	note = strings.TrimSpace(Clean(note))
	if len(note) > MaxListNoteLen {
		return "", Invalidf("A note can be at most %d bytes long; this one has %d.", MaxListNoteLen, len(note))
	}
	return note, nil
}

// PrepareList returns the list a store writes for in: a copy with its name
// on one line and its description trimmed, validated. Stores set the ID,
// Owner, Count and times themselves.
func PrepareList(in *ReadingList) (*ReadingList, error) {
	if in.AccountID <= 0 {
		return nil, Invalidf("a reading list needs an owner")
	}
	if !isText(in.Name) || !isText(in.Description) {
		return nil, Invalidf("A list's name and description must be UTF-8 text without NUL characters.")
	}
	l := &ReadingList{ID: in.ID, AccountID: in.AccountID, Public: in.Public,
		Name: OneLine(in.Name), Description: strings.TrimSpace(Clean(strings.ReplaceAll(in.Description, "\r\n", "\n")))}
	switch {
	case l.Name == "":
		return nil, Invalidf("A list needs a name.")
	case len(l.Name) > MaxListNameLen:
		return nil, Invalidf("A list's name can be at most %d bytes long; this one has %d.", MaxListNameLen, len(l.Name))
	case len(l.Description) > MaxListDescriptionLen:
		return nil, Invalidf("A list's description can be at most %d bytes long; this one has %d.",
			MaxListDescriptionLen, len(l.Description))
	}
	return l, nil
}

// ListNameKey is the form in which list names are compared for
// uniqueness: lower case, so "To read" and "to read" are one name.
func ListNameKey(name string) string { return strings.ToLower(name) }

// ListConflict is the error for a second list of one name.
func ListConflict(name string) error {
	return Conflictf("You already have a list named %q.", name)
}

// ErrNoList is the error for a list that does not exist or that the acting
// account does not own.
var ErrNoList = NotFoundf("There is no such reading list.")
