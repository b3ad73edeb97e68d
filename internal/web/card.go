package web

import (
	"cmp"

	"quire"
	"quire/internal/search"
)

// Card is one paper in a list, in search results or among similar papers.
type Card struct {
	// ID is the paper's canonical id.
	ID    string
	Href  string
	Title string
	// TitleMarks, when set, is Title cut into segments with the words a
	// search matched marked; the card shows it instead of Title.
	TitleMarks []search.Segment
	// Snippet is the entry's AI summary or else the start of the abstract.
	Snippet string
	// SnippetMarks, when set, is the part of the abstract that best
	// matches a search, with the matched words marked; the card shows it
	// instead of Snippet.
	SnippetMarks []search.Segment
	AISummary    bool
	Authors      string // "12 authors"
	// Date and DateISO are the paper's arXiv publication day, or the
	// list's day when that is unknown.
	Date        string
	DateISO     string
	Upvotes     int
	Comments    string // "3 comments"; "" leaves the count out
	CodeURL     string
	SubmittedBy string
	// Organization is the organization the paper was submitted for, with
	// OrganizationHref its page; both "" when the list names none.
	Organization     string
	OrganizationHref string
	// Vote is the upvote button; a zero Vote shows the count alone.
	Vote VoteButton
}

// VoteButton is an upvote control: a form with a CSRF token for a
// signed-in reader, a link to the log-in page for others.
type VoteButton struct {
	Action string
	Return string
	Token  string
	Voted  bool
	// LoginHref is where a reader who is not signed in is sent.
	LoginHref string
}

func newCard(it *quire.DailyItem) Card {
	c := Card{
		ID:          it.Paper.ID,
		Href:        paperPath(it.Paper.ID),
		Title:       it.DisplayTitle(),
		Authors:     plural(len(it.Paper.Authors), "author"),
		Upvotes:     it.Entry.Upvotes,
		Comments:    plural(it.Entry.NumComments, "comment"),
		CodeURL:     it.Paper.CodeURL,
		SubmittedBy: it.Entry.Submitter.Fullname,
	}
	if c.SubmittedBy == "" {
		c.SubmittedBy = it.Entry.Submitter.Name
	}
	if o := it.Entry.Organization; o.Name != "" {
		c.Organization, c.OrganizationHref = cmp.Or(o.Fullname, o.Name), organizationPath(o.Name)
	}
	if it.Entry.AISummary != "" {
		c.Snippet, c.AISummary = it.Entry.AISummary, true
	} else {
		c.Snippet = snippet(it.Paper.Abstract, 300)
	}
	date := it.Paper.PublishedAt
	if date.IsZero() {
		date = it.Entry.Day
	}
	c.Date, c.DateISO = formatDate(date), date.UTC().Format(quire.DayLayout)
	return c
}
