package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/auth"
)

// Reading lists: members save papers to lists of their own, private or
// public, with a note and a read mark per paper. A public list has a page
// anyone may read, feeds and exports; a private one is its owner's alone,
// and to others it does not exist (404), so its id reveals nothing.
//
//	GET  /lists                          the member's lists, and a form for a new one
//	POST /lists                          create a list
//	GET  /lists/{lid}                    a list's page
//	POST /lists/{lid}/settings           rename, describe, make public or private
//	POST /lists/{lid}/delete             delete the list
//	POST /lists/{lid}/note|read|remove   change one saved paper (form field "paper")
//	POST /lists/{lid}/import             add the papers of a BibTeX file
//	GET  /lists/{lid}/export.bib|.ris|.json   BibTeX, RIS, CSL-JSON
//	GET  /lists/{lid}/feed.atom|.rss     feeds of a public list
//	POST /papers/{id}/save               save a paper to a list named in the form

// ListsPage is the data of lists.html: the member's lists.
type ListsPage struct {
	BasePage
	Lists []ListRow
	Token string
	// Error explains why the last creation failed; Name, Description and
	// Public refill its form.
	Error       string
	Name        string
	Description string
	Public      bool
}

// ListRow is one list, as pages show it.
type ListRow struct {
	ID          int64
	Href        string
	Name        string
	Description string
	Owner       string
	Public      bool
	Count       string
	Updated     string
}

func newListRow(l *quire.ReadingList) ListRow {
	return ListRow{ID: l.ID, Href: listPath(l.ID), Name: l.Name, Description: l.Description, Owner: l.Owner,
		Public: l.Public, Count: plural(l.Count, "paper"), Updated: formatDate(l.UpdatedAt)}
}

func listPath(id int64) string { return "/lists/" + strconv.FormatInt(id, 10) }

// listPages serves the reading-list pages from store.
type listPages struct {
	h     *Handler
	store quire.ReadingListStore
	// limit bounds how often one account changes its lists.
	limit auth.Limiter
}

// listRoutes registers the reading-list pages when the community store
// keeps lists.
func (h *Handler) listRoutes() {
	ls, ok := h.comm.store.(quire.ReadingListStore)
	if !ok {
		return
	}
	lp := &listPages{h: h, store: ls,
		limit: &auth.CounterLimiter{Counter: h.comm.store, Name: "list", Limit: 120, Window: time.Minute, Now: h.now}}
	h.handle("GET /lists", h.signedIn(h.form(lp.index)))
	h.handle("POST /lists", h.signedIn(h.form(lp.create)))
	// A list's page holds forms for its owner, so it is never cached.
	h.handle("GET /lists/{lid}", h.form(lp.show))
	h.handle("POST /lists/{lid}/settings", h.signedIn(h.form(lp.settings)))
	h.handle("POST /lists/{lid}/delete", h.signedIn(h.form(lp.delete)))
	h.handle("POST /lists/{lid}/note", h.signedIn(h.form(lp.note)))
	h.handle("POST /lists/{lid}/read", h.signedIn(h.form(lp.read)))
	h.handle("POST /lists/{lid}/remove", h.signedIn(h.form(lp.remove)))
	h.handle("POST /lists/{lid}/import", h.signedIn(h.form(lp.importBibTeX)))
	for _, ex := range exportFormats {
		h.handle("GET /lists/{lid}/export."+ex.ext, lp.export(ex))
	}
	for _, ff := range feedFormats {
		h.handle("GET /lists/{lid}/feed."+ff.ext, lp.feed(ff))
	}
	h.handle("POST /papers/{id}/save", h.signedIn(h.form(lp.save)))
	h.handle("POST /papers/{archive}/{num}/save", h.signedIn(h.form(lp.save)))
}

// index serves GET /lists.
func (lp *listPages) index(w http.ResponseWriter, r *http.Request) error {
	return lp.renderIndex(w, r, http.StatusOK, &ListsPage{})
}

func (lp *listPages) renderIndex(w http.ResponseWriter, r *http.Request, status int, page *ListsPage) error {
	a := currentAccount(r)
	lists, err := lp.store.FindListsByAccount(r.Context(), a.ID, false)
	if err != nil {
		return err
	}
	page.BasePage = lp.h.base("Your reading lists", "", "")
	page.Token = lp.h.comm.csrf.Token(r)
	for _, l := range lists {
		page.Lists = append(page.Lists, newListRow(l))
	}
	return lp.h.render(w, r, status, "lists.html", page)
}

// create serves POST /lists.
func (lp *listPages) create(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	in := &quire.ReadingList{AccountID: a.ID, Name: r.PostFormValue("name"),
		Description: r.PostFormValue("description"), Public: r.PostFormValue("public") == "1"}
	if err := allow(r.Context(), lp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	l, err := lp.store.CreateList(r.Context(), in)
	if msg := quire.UserMessage(err); msg != "" {
		page := &ListsPage{Error: msg, Name: in.Name, Description: in.Description, Public: in.Public}
		return lp.renderIndex(w, r, statusOf(err), page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, listPath(l.ID), http.StatusSeeOther)
	return nil
}

// findList returns the list of the request's path that the reader may see:
// a public one, or one of their own. Others are not found.
func (lp *listPages) findList(r *http.Request) (l *quire.ReadingList, own bool, err error) {
	id, err := strconv.ParseInt(r.PathValue("lid"), 10, 64)
	if err != nil || id <= 0 {
		return nil, false, quire.ErrNoList
	}
	l, err = lp.store.FindList(r.Context(), id)
	if err != nil {
		return nil, false, err
	}
	a := currentAccount(r)
	own = a != nil && a.ID == l.AccountID
	if !own && !l.Public {
		return nil, false, quire.ErrNoList
	}
	return l, own, nil
}

// ownList returns the list of the request's path when the reader owns it,
// and the account.
func (lp *listPages) ownList(r *http.Request) (*quire.ReadingList, *quire.Account, error) {
	l, own, err := lp.findList(r)
	if err != nil {
		return nil, nil, err
	}
	if !own {
		return nil, nil, quire.ErrNoList
	}
	a := currentAccount(r)
	if err := allow(r.Context(), lp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return nil, nil, err
	}
	return l, a, nil
}

// save serves POST /papers/{id}/save: the paper joins the member's list
// named in the form, which is created when the member has none of that
// name.
func (lp *listPages) save(w http.ResponseWriter, r *http.Request) error {
	id, err := paperIDFromPath(r)
	if err != nil {
		return err
	}
	a := currentAccount(r)
	ctx := r.Context()
	if err := allow(ctx, lp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	name := quire.OneLine(r.PostFormValue("list"))
	if name == "" {
		return quire.Invalidf("Name the list to save the paper to.")
	}
	// An unknown paper must not leave a new, empty list behind.
	if _, err := lp.h.store.FindPaperByID(ctx, id); errors.Is(err, quire.ErrNotFound) {
		return quire.NotFoundf("Paper %s is not in the catalogue.", id)
	} else if err != nil {
		return err
	}
	lists, err := lp.store.FindListsByAccount(ctx, a.ID, false)
	if err != nil {
		return err
	}
	var l *quire.ReadingList
	for _, c := range lists {
		if quire.ListNameKey(c.Name) == quire.ListNameKey(name) {
			l = c
		}
	}
	if l == nil {
		if l, err = lp.store.CreateList(ctx, &quire.ReadingList{AccountID: a.ID, Name: name}); err != nil {
			return err
		}
	}
	if _, err := lp.store.SavePapers(ctx, l.ID, a.ID, []string{id}, lp.h.now()); err != nil {
		return err
	}
	http.Redirect(w, r, returnPath(r, listPath(l.ID)), http.StatusSeeOther)
	return nil
}

// paperField is the canonical id of the form's "paper" field.
func paperField(r *http.Request) (string, error) {
	id, _, err := arxiv.ParseID(r.PostFormValue("paper"))
	return id, err
}

// settings serves POST /lists/{lid}/settings.
func (lp *listPages) settings(w http.ResponseWriter, r *http.Request) error {
	l, a, err := lp.ownList(r)
	if err != nil {
		return err
	}
	l.Name, l.Description = r.PostFormValue("name"), r.PostFormValue("description")
	l.Public = r.PostFormValue("public") == "1"
	if _, err := lp.store.UpdateList(r.Context(), &quire.ReadingList{ID: l.ID, AccountID: a.ID,
		Name: l.Name, Description: l.Description, Public: l.Public}); err != nil {
		if msg := quire.UserMessage(err); msg != "" {
			return lp.renderList(w, r, statusOf(err), l, true, &ReadingListPage{Error: msg})
		}
		return err
	}
	http.Redirect(w, r, listPath(l.ID), http.StatusSeeOther)
	return nil
}

// delete serves POST /lists/{lid}/delete.
func (lp *listPages) delete(w http.ResponseWriter, r *http.Request) error {
	l, a, err := lp.ownList(r)
	if err != nil {
		return err
	}
	if err := lp.store.DeleteList(r.Context(), l.ID, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/lists", http.StatusSeeOther)
	return nil
}

// note serves POST /lists/{lid}/note.
func (lp *listPages) note(w http.ResponseWriter, r *http.Request) error {
	return lp.changeSaved(w, r, func(l *quire.ReadingList, a *quire.Account, id string) error {
		return lp.store.SetSavedNote(r.Context(), l.ID, a.ID, id, r.PostFormValue("note"))
	})
}

// read serves POST /lists/{lid}/read: read=1 marks the paper read, read=0
// unread.
func (lp *listPages) read(w http.ResponseWriter, r *http.Request) error {
	return lp.changeSaved(w, r, func(l *quire.ReadingList, a *quire.Account, id string) error {
		return lp.store.SetSavedRead(r.Context(), l.ID, a.ID, id, r.PostFormValue("read") == "1", lp.h.now())
	})
}

// remove serves POST /lists/{lid}/remove.
func (lp *listPages) remove(w http.ResponseWriter, r *http.Request) error {
	return lp.changeSaved(w, r, func(l *quire.ReadingList, a *quire.Account, id string) error {
		return lp.store.RemovePaper(r.Context(), l.ID, a.ID, id)
	})
}

// changeSaved applies change to the paper of the form on the member's list
// and returns to the list, at the paper.
func (lp *listPages) changeSaved(w http.ResponseWriter, r *http.Request,
	change func(*quire.ReadingList, *quire.Account, string) error) error {
	l, a, err := lp.ownList(r)
	if err != nil {
		return err
	}
	id, err := paperField(r)
	if err != nil {
		return err
	}
	if err := change(l, a, id); err != nil {
		return err
	}
	http.Redirect(w, r, listPath(l.ID)+"#"+savedAnchor(id), http.StatusSeeOther)
	return nil
}

// savedAnchor is the id of a saved paper's element on the list page.
func savedAnchor(paperID string) string {
	return "p-" + strings.NewReplacer("/", "-", ".", "-").Replace(paperID)
}
