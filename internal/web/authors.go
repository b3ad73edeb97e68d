package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire"
	"quire/internal/search"
)

// Author and category pages: a paper's authors and categories link here.
//
//	GET /authors/{name}      an author's papers, newest first, their frequent
//	                         co-authors and categories, and a Follow form
//	GET /categories/{cat}    a category's papers, newest first, and a Follow form
//
// Papers are found as the search's author: and cat: filters find them (and
// as the pages' feeds list them). arXiv knows authors by name only, so one
// page may mix several people of one name: the Follow form offers to narrow
// a follow to the papers with a given co-author or in a given category
// (see quire.Follow).

func init() {
	pages["topic.html"] = TopicPage{}
}

// TopicPage is the data of topic.html: an author's, a category's or an
// organization's page.
type TopicPage struct {
	BasePage
	// Kind is "author", "category" or "organization"; Name the author's
	// name, the category or the organization's handle.
	Kind    string
	Name    string
	Heading string
	Cards   []Card
	// CoAuthors and Categories are the author's most frequent co-authors
	// and categories among their newest papers, linked to their pages.
	CoAuthors  []TopicLink
	Categories []TopicLink
	PageNumber int
	PrevPage   string
	NextPage   string
	// FeedBase is the path of the page's feeds without the extension; ""
	// for a page without feeds.
	FeedBase string
	Follow   FollowBox
}

// TopicLink is an author or a category with how many of the papers name it.
type TopicLink struct {
	Name  string
	Href  string
	Count int
}

// Sizes of the author and category pages.
const (
	topicPageSize = 20
	// topicStatsPapers newest papers are counted for frequent co-authors
	// and categories.
	topicStatsPapers = search.MaxLimit
	topicStatsShown  = 8
)

// authorPath is the page of the author name.
func authorPath(name string) string { return "/authors/" + url.PathEscape(name) }

// categoryPath is the page of the category cat.
func categoryPath(cat string) string { return "/categories/" + url.PathEscape(cat) }

// authorName reads the author's name of the request's path, spaces
// collapsed.
func authorName(r *http.Request) (string, error) {
	name := strings.Join(strings.Fields(r.PathValue("name")), " ")
	if name == "" || len(name) > maxAuthorName || !utf8.ValidString(name) || strings.ContainsFunc(name, isControl) {
		return "", quire.Invalidf("%q is not an author's name.", clip(name))
	}
	return name, nil
}

// categoryName reads the category of the request's path.
func categoryName(r *http.Request) (string, error) {
	raw := r.PathValue("cat")
	cats, err := parseCategories(raw)
	if err != nil {
		return "", err
	}
	if len(cats) != 1 {
		return "", quire.Invalidf("%q is not an arXiv category such as cs.CL or hep-th.", clip(raw))
	}
	return quire.CanonicalCategory(cats[0])
}

// topicPageNumber reads the page parameter (1 when absent).
func topicPageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || (n-1)*topicPageSize > search.MaxOffset {
		return 0, quire.Invalidf("page must be a number from 1 to %d.", search.MaxOffset/topicPageSize+1)
	}
	return n, nil
}

// authorPage serves GET /authors/{name}. An author with no paper here is
// not found.
func (h *Handler) authorPage(w http.ResponseWriter, r *http.Request) error {
	name, err := authorName(r)
	if err != nil {
		return err
	}
	page := &TopicPage{Kind: string(quire.FollowAuthor), Name: name, Heading: name, FeedBase: authorPath(name) + "/feed"}
	req := search.Request{Authors: []string{name}, Order: search.ByDate}
	papers, err := h.topicPapers(r, page, req, "There are no papers by "+clip(name)+" here.")
	if err != nil {
		return err
	}
	page.CoAuthors, page.Categories = authorStats(name, papers)
	page.BasePage = h.base(name, "arXiv papers by "+name+", newest first.", "")
	if err := h.fillFollowBox(r, &page.Follow, quire.FollowAuthor, name, page.CoAuthors, page.Categories); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "topic.html", page)
}

// categoryPage serves GET /categories/{cat}. A category with no paper here
// is not found.
func (h *Handler) categoryPage(w http.ResponseWriter, r *http.Request) error {
	cat, err := categoryName(r)
	if err != nil {
		return err
	}
	page := &TopicPage{Kind: string(quire.FollowCategory), Name: cat, Heading: "Papers in " + cat, FeedBase: categoryPath(cat) + "/feed"}
	req := search.Request{Categories: []string{cat}, Order: search.ByDate}
	if _, err := h.topicPapers(r, page, req, "There are no papers in "+cat+" here."); err != nil {
		return err
	}
	page.BasePage = h.base(cat, "The newest arXiv papers in "+cat+".", "")
	if err := h.fillFollowBox(r, &page.Follow, quire.FollowCategory, cat, nil, nil); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "topic.html", page)
}

// topicPapers fills the page's cards and pager from req, and returns the
// newest topicStatsPapers papers of req for the page's statistics.
func (h *Handler) topicPapers(r *http.Request, page *TopicPage, req search.Request, notFound string) ([]*quire.Paper, error) {
	if h.search == nil {
		return nil, errSearchOff
	}
	n, err := topicPageNumber(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	statsReq := req
	statsReq.Offset, statsReq.Limit = 0, topicStatsPapers
	stats, err := h.search.Search(ctx, statsReq)
	if err != nil {
		return nil, err
	}
	if len(stats.Results) == 0 {
		return nil, quire.NotFoundf("%s", notFound)
	}
	req.Offset, req.Limit = (n-1)*topicPageSize, topicPageSize
	resp, err := h.search.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	if page.Cards, err = h.resultCards(ctx, resp.Results, nil); err != nil {
		return nil, err
	}
	if err := h.fillVotes(r, page.Cards); err != nil {
		return nil, err
	}
	page.PageNumber = n
	base := r.URL.Path
	if n > 1 {
		page.PrevPage = base
		if n > 2 {
			page.PrevPage += "?page=" + strconv.Itoa(n-1)
		}
	}
	if resp.More && n*topicPageSize <= search.MaxOffset {
		page.NextPage = base + "?page=" + strconv.Itoa(n+1)
	}
	ids := make([]string, len(stats.Results))
	for i, res := range stats.Results {
		ids[i] = res.PaperID
	}
	return h.store.FindPapersByIDs(ctx, ids)
}

// authorStats counts the co-authors and categories of an author's papers,
// most frequent first (then by name). Authors of the same name (see
// quire.AuthorKey) do not count as co-authors.
func authorStats(name string, papers []*quire.Paper) (coAuthors, categories []TopicLink) {
	key := quire.AuthorKey(name)
	coCount, coName := map[string]int{}, map[string]string{}
	catCount := map[string]int{}
	for _, p := range papers {
		seen := map[string]bool{}
		for _, a := range p.Authors {
			k := quire.AuthorKey(a)
			if k == key || k == "" || seen[k] || len(a) > maxAuthorName {
				continue
			}
			seen[k] = true
			coCount[k]++
			if _, ok := coName[k]; !ok {
				coName[k] = strings.Join(strings.Fields(a), " ")
			}
		}
		for _, c := range slices.Compact(slices.Sorted(slices.Values(p.Categories))) {
			catCount[c]++
		}
	}
	for k, n := range coCount {
		coAuthors = append(coAuthors, TopicLink{Name: coName[k], Href: authorPath(coName[k]), Count: n})
	}
	for c, n := range catCount {
		if _, err := quire.CanonicalCategory(c); err != nil {
			continue
		}
		categories = append(categories, TopicLink{Name: c, Href: categoryPath(c), Count: n})
	}
	return topLinks(coAuthors), topLinks(categories)
}

// topLinks sorts links by count, then name, and keeps the first few.
func topLinks(links []TopicLink) []TopicLink {
	slices.SortFunc(links, func(a, b TopicLink) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(links) > topicStatsShown {
		links = links[:topicStatsShown]
	}
	return links
}
