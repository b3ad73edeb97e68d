package quire

import (
	"slices"
	"time"
)

// DailyEntry is a paper's place on one day's list: who submitted it, how the
// community received it, and the AI summary when the source has one.
type DailyEntry struct {
	// Day is the list's date, midnight UTC.
	Day     time.Time
	PaperID string
	// Title is the title as the list shows it; upstream lists sometimes keep
	// LaTeX markup that the arXiv title drops. Empty means the paper's title.
	Title string
	// SubmittedAt is when the paper was posted to the list.
	SubmittedAt time.Time
	Submitter   Submitter
	Upvotes     int
	NumComments int
	AISummary   string
	AIKeywords  []string
	// ThumbnailURL is an image shown with the entry, when the source has one.
	ThumbnailURL string
	// Organization is the organization the paper was submitted for, when
	// the list names one (its zero value when not).
	Organization Organization
}

// Organization is a Hugging Face organization a daily entry is listed
// under: Name is its handle ("google"), the part of its page's address.
type Organization struct {
	Name      string
	Fullname  string
	AvatarURL string
}

// Submitter is the account that put a paper on a daily list.
type Submitter struct {
	Name      string // handle, e.g. "akhaliq"
	Fullname  string
	AvatarURL string
}

// DailyItem is a daily entry together with its paper, as lists show it.
type DailyItem struct {
	Entry DailyEntry
	Paper Paper
}

// DisplayTitle is the list's title, or the paper's when the list has none.
func (it *DailyItem) DisplayTitle() string {
	if it.Entry.Title != "" {
		return it.Entry.Title
	}
	return it.Paper.Title
}

// Validate reports whether e can be stored.
func (e *DailyEntry) Validate() error {
	switch {
	case e.PaperID == "":
		return Invalidf("daily entry has no paper id")
	case e.Day.IsZero():
		return Invalidf("daily entry for %s has no day", e.PaperID)
	case !storable(e.Day) || !storable(e.SubmittedAt):
		return Invalidf("daily entry for %s has a date outside the years 1-9999", e.PaperID)
	case e.Upvotes < 0 || e.NumComments < 0:
		return Invalidf("daily entry for %s has negative counts", e.PaperID)
	}
	return nil
}

// Normalize puts e in the form stores keep (see Paper.Normalize).
func (e *DailyEntry) Normalize() {
	e.Day = TruncateDay(e.Day)
	e.Title = OneLine(e.Title)
	e.SubmittedAt = normTime(e.SubmittedAt)
	e.PaperID = OneLine(e.PaperID)
	e.AISummary = OneLine(e.AISummary)
	e.Submitter.Name = OneLine(e.Submitter.Name)
	e.Submitter.Fullname = OneLine(e.Submitter.Fullname)
	e.Submitter.AvatarURL = OneLine(e.Submitter.AvatarURL)
	e.ThumbnailURL = OneLine(e.ThumbnailURL)
	e.Organization.Name = OneLine(e.Organization.Name)
	e.Organization.Fullname = OneLine(e.Organization.Fullname)
	e.Organization.AvatarURL = OneLine(e.Organization.AvatarURL)
	if e.Organization.Name == "" {
		// An organization is known by its handle; without one there is none.
		e.Organization = Organization{}
	}
	for i, k := range e.AIKeywords {
		e.AIKeywords[i] = OneLine(k)
	}
	e.AIKeywords = slices.DeleteFunc(e.AIKeywords, func(k string) bool { return k == "" })
}

// MergeEntry folds an incoming record of a daily entry into the stored one.
// Counts take the incoming values (the latest snapshot wins); other fields
// the incoming record leaves empty keep their stored values.
func MergeEntry(stored, in *DailyEntry) (merged DailyEntry, changed bool) {
	m := *stored
	m.Upvotes = in.Upvotes
	m.NumComments = in.NumComments
	setString(&m.Title, in.Title)
	if !in.SubmittedAt.IsZero() {
		m.SubmittedAt = in.SubmittedAt
	}
	setString(&m.Submitter.Name, in.Submitter.Name)
	setString(&m.Submitter.Fullname, in.Submitter.Fullname)
	setString(&m.Submitter.AvatarURL, in.Submitter.AvatarURL)
	setString(&m.AISummary, in.AISummary)
	if len(in.AIKeywords) > 0 {
		m.AIKeywords = in.AIKeywords
	}
	setString(&m.ThumbnailURL, in.ThumbnailURL)
	// An incoming record without an organization never erases the stored
	// one (older snapshots predate the field). The same organization keeps
	// the stored fields the record leaves empty; another replaces it whole.
	switch {
	case in.Organization.Name == "":
	case in.Organization.Name == m.Organization.Name:
		setString(&m.Organization.Fullname, in.Organization.Fullname)
		setString(&m.Organization.AvatarURL, in.Organization.AvatarURL)
	default:
		m.Organization = in.Organization
	}
	return m, !m.Equal(stored)
}

// Equal reports whether e and f hold the same values.
func (e *DailyEntry) Equal(f *DailyEntry) bool {
	return e.Day.Equal(f.Day) && e.PaperID == f.PaperID && e.Title == f.Title &&
		e.SubmittedAt.Equal(f.SubmittedAt) && e.Submitter == f.Submitter &&
		e.Upvotes == f.Upvotes && e.NumComments == f.NumComments &&
		e.AISummary == f.AISummary && slices.Equal(e.AIKeywords, f.AIKeywords) &&
		e.ThumbnailURL == f.ThumbnailURL && e.Organization == f.Organization
}
