package web

import (
	"net/http"
	"net/url"

	"quire"
	"quire/internal/search"
)

// SearchPage is the data of search.html: the search form with its filters
// and a page of results.
type SearchPage struct {
	BasePage
	Form SearchForm
	// Sorts and Modes are the options of the form's order and mode
	// selectors; Modes is empty when semantic search is not available.
	Sorts []Option
	Modes []Option
	// Searched is set when the visitor asked for something; otherwise the
	// page shows Examples of the query language.
	Searched bool
	Examples []Link
	// Parsed is the query as the engine understood it, filters included,
	// in the query language; ModeLabel names the retrieval used.
	Parsed    string
	ModeLabel string
	Cards     []Card
	// PrevPage and NextPage page through the results ("" when none).
	PrevPage, NextPage string
	PageNumber         int
}

// SearchForm holds the values of the search form as the visitor typed them.
type SearchForm struct {
	Q, Cat, From, To string
	HasCode          bool
}

// Option is one choice of a select element.
type Option struct {
	Value, Label string
	Selected     bool
}

// errSearchOff answers searches on a Handler built without a Searcher.
var errSearchOff = quire.Unavailablef("Search is not available on this server.")

// modeLabels names each retrieval mode on the page.
var modeLabels = map[search.Mode]string{
	search.Hybrid:   "Words and meaning",
	search.Lexical:  "Words only",
	search.Semantic: "Meaning only",
}

// examples show the query language on the search page before a search.
var examples = []string{`"scaling laws"`, `diffusion -video`, `author:hinton`, `cat:cs.CL year:2025`, `agents has:code`, `quant*`}

// searchPage serves GET /papers: the search form and, when something was
// asked, a page of results. It is never cached: searches are too varied for
// a cache to pay off, and each would crowd out the list pages.
func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) error {
	sq, err := parseSearchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if h.search == nil {
		return errSearchOff
	}
	ctx := r.Context()
	// An empty query costs nothing and tells which modes the engine has.
	resp, err := h.search.Search(ctx, sq.req)
	if err != nil {
		return err
	}
	page := &SearchPage{
		Form:       SearchForm{Q: sq.q, Cat: sq.cat, From: sq.from, To: sq.to, HasCode: sq.hasCode},
		Searched:   sq.asked(),
		PageNumber: sq.page,
		Sorts: []Option{
			{Value: "relevance", Label: "Relevance", Selected: sq.sort == ""},
			{Value: "date", Label: "Newest", Selected: sq.sort == "date"},
			{Value: "upvotes", Label: "Most upvoted", Selected: sq.sort == "upvotes"},
		},
	}
	// The engine answers hybrid by default only when it has semantic
	// search; a mode asked for explicitly was offered by an earlier page.
	if resp.Mode != search.Lexical || sq.mode != "" {
		for _, m := range []search.Mode{search.Hybrid, search.Lexical, search.Semantic} {
			page.Modes = append(page.Modes, Option{Value: string(m), Label: modeLabels[m], Selected: m == resp.Mode})
		}
	}
	title := "Search"
	if page.Searched {
		page.Parsed = resp.Query.String()
		page.ModeLabel = modeLabels[resp.Mode]
		if page.Cards, err = h.resultCards(ctx, resp.Results, resp.Terms); err != nil {
			return err
		}
		if err := h.fillVotes(r, page.Cards); err != nil {
			return err
		}
		if sq.page > 1 {
			page.PrevPage = sq.href(sq.page - 1)
		}
		if resp.More {
			page.NextPage = sq.href(sq.page + 1)
		}
		title = "Search results for “" + clip(sq.q) + "”"
		if sq.q == "" {
			title = "Search results"
		}
	} else {
		for _, ex := range examples {
			page.Examples = append(page.Examples, Link{Label: ex, Href: "/papers?" + url.Values{"q": {ex}}.Encode()})
		}
	}
	page.BasePage = h.base(title, "Search arXiv papers by their words and their meaning.", "")
	page.Query = sq.q
	return h.render(w, r, http.StatusOK, "search.html", page)
}
