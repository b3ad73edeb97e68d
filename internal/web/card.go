package web

import "quire"

// Card is one paper in a list.
type Card struct {
	Href  string
	Title string
	// Snippet is the entry's AI summary or else the start of the abstract.
	Snippet   string
	AISummary bool
	Authors   string // "12 authors"
	// Date and DateISO are the paper's arXiv publication day, or the
	// list's day when that is unknown.
	Date        string
	DateISO     string
	Upvotes     int
	Comments    string // "3 comments"
	CodeURL     string
	SubmittedBy string
}

func newCard(it *quire.DailyItem) Card {
	c := Card{
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
