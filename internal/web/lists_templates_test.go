package web

// The reading-list pages' filled-in data for TestTemplates.
func init() {
	populated["lists.html"] = &ListsPage{
		BasePage: BasePage{PageTitle: "Your reading lists · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Lists: []ListRow{{ID: 1, Href: "/lists/1", Name: "Agents", Description: "For Friday", Owner: "ada", Public: true,
			Count: "2 papers", Updated: "Jun 16, 2025"}},
		Token: "tok", Error: "You already have a list named \"Agents\".", Name: "Agents", Description: "d", Public: true,
	}
	populated["readinglist.html"] = &ReadingListPage{
		BasePage: BasePage{PageTitle: "Agents · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		List:     ListRow{ID: 1, Href: "/lists/1", Name: "Agents", Description: "For Friday", Owner: "ada", Public: true, Count: "1 paper"},
		Own:      true, Token: "tok",
		Items: []SavedRow{{ID: "2506.10892", Anchor: "p-2506-10892", Href: "/papers/2506.10892", Title: "The Diffusion Duality",
			Authors: "Subham Sekhar Sahoo", Note: "a\nb", NoteLines: []string{"a", "b"}, Read: true, Saved: "Jun 16, 2025", Withdrawn: true}},
		Exports:   []Link{{Label: "BibTeX", Href: "/lists/1/export.bib"}},
		FeedLinks: []Link{{Label: "Atom", Href: "/lists/1/feed.atom"}},
		Error:     "Not a BibTeX file.",
		Import:    &ImportReport{Entries: 3, Added: 1, Already: 1, Unknown: []string{"k1"}, NoID: []string{"k2"}},
	}
}
