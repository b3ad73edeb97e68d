package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire"
	"quire/internal/auth"
)

// Follows: members follow authors, categories and organizations; the papers of what they
// follow are listed on /following (and, for those marked so, in their
// e-mail digest).
//
//	GET  /following                the member's follows and their newest papers
//	POST /follows                  follow (form fields kind, name, co_author, category, digest);
//	                               following again changes the digest choice
//	POST /follows/{fid}/delete     unfollow
//
// Both posts return to the form's "return" path, else to /following.

func init() {
	pages["following.html"] = FollowingPage{}
}

// FollowBox is the Follow form of an author's, a category's or an
// organization's page.
type FollowBox struct {
	// On is set when the site keeps follows; LoginHref, for a reader who
	// is not signed in, is where to log in to follow.
	On        bool
	LoginHref string
	Token     string
	Return    string
	Kind      string
	Name      string
	// CoAuthors and Categories are the qualifiers the form offers for an
	// author: "only the papers with this co-author / in this category".
	CoAuthors  []string
	Categories []string
	// Following are the member's follows of this author or category.
	Following []FollowRow
}

// FollowRow is one follow, as pages show it. Name, CoAuthor and Category
// refill the form that changes its digest choice.
type FollowRow struct {
	ID       int64
	Kind     string
	Title    string
	Href     string
	Digest   bool
	Name     string
	CoAuthor string
	Category string
}

func newFollowRow(f *quire.Follow) FollowRow {
	href := categoryPath(f.Name)
	switch f.Kind {
	case quire.FollowAuthor:
		href = authorPath(f.Name)
	case quire.FollowOrganization:
		href = organizationPath(f.Name)
	}
	return FollowRow{ID: f.ID, Kind: string(f.Kind), Title: f.Title(), Href: href, Digest: f.Digest,
		Name: f.Name, CoAuthor: f.CoAuthor, Category: f.Category}
}

// FollowingPage is the data of following.html.
type FollowingPage struct {
	BasePage
	Token         string
	Authors       []FollowRow
	Categories    []FollowRow
	Organizations []FollowRow
	// Papers are the newest papers of the follows, published in the last
	// followedDays days.
	Papers []FollowedRow
	Days   int
}

// FollowedRow is a paper on /following, with the follows that brought it.
type FollowedRow struct {
	Href    string
	Title   string
	Date    string
	DateISO string
	Because string
}

// What /following lists.
const (
	followedDays   = 30
	followedListed = 30
)

// followStore returns the store's follows, or nil when the site has no
// accounts or its store keeps no follows.
func (h *Handler) followStore() quire.FollowStore {
	if h.comm == nil {
		return nil
	}
	fs, _ := h.comm.store.(quire.FollowStore)
	return fs
}

// followPages serves the follow forms and /following.
type followPages struct {
	h     *Handler
	store quire.FollowStore
	// limit bounds how often one account changes its follows.
	limit auth.Limiter
}

// followRoutes registers the author and category pages and, when the
// store keeps follows, the follow forms.
func (h *Handler) followRoutes() {
	h.handle("GET /authors/{name}", h.cached(h.authorPage))
	h.handle("GET /categories/{cat}", h.cached(h.categoryPage))
	h.handle("GET /organizations/{name}", h.cached(h.organizationPage))
	fs := h.followStore()
	if fs == nil {
		return
	}
	fp := &followPages{h: h, store: fs,
		limit: &auth.CounterLimiter{Counter: h.comm.store, Name: "follow", Limit: 120, Window: time.Minute, Now: h.now}}
	h.handle("GET /following", h.signedIn(h.form(fp.index)))
	h.handle("POST /follows", h.signedIn(h.form(fp.create)))
	h.handle("POST /follows/{fid}/delete", h.signedIn(h.form(fp.delete)))
}

// fillFollowBox fills the Follow form of the page of an author or a
// category: the qualifiers to offer (for an author), and the reader's
// follows of it.
func (h *Handler) fillFollowBox(r *http.Request, box *FollowBox, kind quire.FollowKind, name string, coAuthors, categories []TopicLink) error {
	fs := h.followStore()
	if fs == nil {
		return nil
	}
	box.On, box.Kind, box.Name, box.Return = true, string(kind), name, r.URL.RequestURI()
	a := currentAccount(r)
	if a == nil {
		box.LoginHref = loginHref(r.URL.RequestURI())
		return nil
	}
	box.Token = h.comm.csrf.Token(r)
	for _, l := range coAuthors {
		box.CoAuthors = append(box.CoAuthors, l.Name)
	}
	for _, l := range categories {
		box.Categories = append(box.Categories, l.Name)
	}
	follows, err := fs.FindFollows(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, f := range follows {
		if f.Kind != kind {
			continue
		}
		if (kind == quire.FollowAuthor && quire.AuthorKey(f.Name) == quire.AuthorKey(name)) ||
			(kind == quire.FollowCategory && f.Name == name) ||
			(kind == quire.FollowOrganization && strings.EqualFold(f.Name, name)) {
			box.Following = append(box.Following, newFollowRow(f))
		}
	}
	return nil
}

// index serves GET /following.
func (fp *followPages) index(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	ctx := r.Context()
	follows, err := fp.store.FindFollows(ctx, a.ID)
	if err != nil {
		return err
	}
	page := &FollowingPage{BasePage: fp.h.base("Following", "", ""), Token: fp.h.comm.csrf.Token(r), Days: followedDays}
	for _, f := range follows {
		switch f.Kind {
		case quire.FollowAuthor:
			page.Authors = append(page.Authors, newFollowRow(f))
		case quire.FollowOrganization:
			page.Organizations = append(page.Organizations, newFollowRow(f))
		default:
			page.Categories = append(page.Categories, newFollowRow(f))
		}
	}
	if len(follows) > 0 {
		since := fp.h.now().UTC().AddDate(0, 0, -followedDays)
		papers, err := fp.store.FollowedPapers(ctx, a.ID, since, followedListed)
		if err != nil {
			return err
		}
		for _, p := range papers {
			row := FollowedRow{Href: paperPath(p.Paper.ID), Title: p.Paper.Title,
				Date: formatDate(p.Paper.PublishedAt), DateISO: p.Paper.PublishedAt.UTC().Format(quire.DayLayout)}
			for i, f := range p.Because {
				if i > 0 {
					row.Because += ", "
				}
				row.Because += f.Title()
			}
			page.Papers = append(page.Papers, row)
		}
	}
	return fp.h.render(w, r, http.StatusOK, "following.html", page)
}

// create serves POST /follows.
func (fp *followPages) create(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := allow(r.Context(), fp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	in := &quire.Follow{AccountID: a.ID, Kind: quire.FollowKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		CoAuthor: r.PostFormValue("co_author"), Category: r.PostFormValue("category"), Digest: r.PostFormValue("digest") == "1"}
	if _, err := fp.store.CreateFollow(r.Context(), in); err != nil {
		return err
	}
	http.Redirect(w, r, returnPath(r, "/following"), http.StatusSeeOther)
	return nil
}

// delete serves POST /follows/{fid}/delete.
func (fp *followPages) delete(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	id, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err != nil || id <= 0 {
		return quire.ErrNoFollow
	}
	if err := allow(r.Context(), fp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	if err := fp.store.DeleteFollow(r.Context(), id, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, returnPath(r, "/following"), http.StatusSeeOther)
	return nil
}
