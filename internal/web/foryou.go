package web

import (
	"net/http"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/auth"
	"quire/internal/foryou"
)

// For you: a signed-in member's personal feed, learned from what they
// upvoted, saved and opened (internal/foryou), with "Not interested"
// buttons and a form of cold-start choices. Every page holds forms and
// one member's papers, so none is cached.
//
//	GET  /for-you                  the feed and the choices
//	POST /for-you/interests        save the categories, authors and seed papers
//	POST /for-you/not-interested   mark the paper of form field "paper" ("undo=1" unmarks)
//
// Viewing a paper's page while signed in records it as opened (see
// recordOpened).

func init() {
	pages["foryou.html"] = ForYouPage{}
}

// ForYouPage is the data of foryou.html.
type ForYouPage struct {
	BasePage
	Token string
	Cards []ForYouCard
	// Personal says the feed is learned from the member's signals or
	// choices; otherwise Cards are the most upvoted recent papers.
	Personal      bool
	Signals       int
	NotInterested int
	// Categories, Authors and Papers fill the choices' form: categories
	// and paper ids separated by spaces, one author per line.
	Categories, Authors, Papers string
	// Error explains why the choices were refused; Notice confirms an
	// action.
	Error, Notice string
	// Undo is the paper just marked not interested, which the notice
	// offers to restore.
	Undo string
}

// ForYouCard is one recommended paper and why it is there.
type ForYouCard struct {
	Card
	Because string
}

// forYouLimit is how many papers the page shows.
const forYouLimit = 30

// forYouPages serves the For you pages.
type forYouPages struct {
	h     *Handler
	store quire.SignalStore
	rec   *foryou.Recommender
	limit auth.Limiter
}

// forYouRoutes registers the For you pages when the community store keeps
// signals.
func (h *Handler) forYouRoutes() {
	st, ok := h.comm.store.(interface {
		quire.SignalStore
		foryou.Store
	})
	if !ok {
		return
	}
	fp := &forYouPages{h: h, store: st,
		rec:   &foryou.Recommender{Store: st, Model: foryou.EngineModel(h.search), Now: h.now},
		limit: &auth.CounterLimiter{Counter: h.comm.store, Name: "signal", Limit: 120, Window: time.Minute, Now: h.now}}
	h.handle("GET /for-you", h.signedIn(h.form(fp.show)))
	h.handle("POST /for-you/interests", h.signedIn(h.form(fp.interests)))
	h.handle("POST /for-you/not-interested", h.signedIn(h.form(fp.notInterested)))
}

// show serves GET /for-you.
func (fp *forYouPages) show(w http.ResponseWriter, r *http.Request) error {
	page := &ForYouPage{}
	switch {
	case r.URL.Query().Get("saved") == "1":
		page.Notice = "Your choices are saved."
	case r.URL.Query().Get("hidden") != "":
		page.Notice = "You will not see that paper here again."
		page.Undo = r.URL.Query().Get("hidden")
	}
	return fp.render(w, r, http.StatusOK, page, true)
}

// render fills page with the member's feed; fill also refills the form
// from the stored choices.
func (fp *forYouPages) render(w http.ResponseWriter, r *http.Request, status int, page *ForYouPage, fill bool) error {
	a := currentAccount(r)
	feed, err := fp.rec.Feed(r.Context(), a.ID, forYouLimit)
	if err != nil {
		return err
	}
	page.BasePage = fp.h.base("For you", "", "foryou")
	page.Token = fp.h.comm.csrf.Token(r)
	page.Personal, page.Signals, page.NotInterested = feed.Personal, feed.Signals, feed.NotInterested
	if fill {
		page.Categories = strings.Join(feed.Interests.Categories, " ")
		page.Authors = strings.Join(feed.Interests.Authors, "\n")
		page.Papers = strings.Join(feed.Interests.Papers, " ")
	}
	cards := make([]Card, len(feed.Items))
	for i, it := range feed.Items {
		cards[i] = newCard(it.DailyItem)
	}
	if err := fp.h.fillVotes(r, cards); err != nil {
		return err
	}
	for i, it := range feed.Items {
		// A vote brings the member back to the feed, not to a notice
		// of the address they came by.
		if cards[i].Vote.Return != "" {
			cards[i].Vote.Return = "/for-you"
		}
		page.Cards = append(page.Cards, ForYouCard{Card: cards[i], Because: because(it.Because)})
	}
	return fp.h.render(w, r, status, "foryou.html", page)
}

// because says in words why a paper is in the feed.
func because(reason string) string {
	switch reason {
	case "follow":
		return "From what you follow"
	case "author":
		return "By an author you chose"
	case "category":
		return "In a category you chose"
	case "model":
		return "Like papers you upvoted, saved or read"
	}
	return "Popular this month"
}

// interests serves POST /for-you/interests.
func (fp *forYouPages) interests(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := allow(r.Context(), fp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	page := &ForYouPage{Categories: r.PostFormValue("categories"), Authors: r.PostFormValue("authors"),
		Papers: r.PostFormValue("papers")}
	in := &quire.Interests{Categories: strings.Fields(strings.ReplaceAll(page.Categories, ",", " "))}
	for _, line := range strings.Split(page.Authors, "\n") {
		in.Authors = append(in.Authors, strings.TrimSpace(line))
	}
	var err error
	for _, s := range strings.Fields(strings.ReplaceAll(page.Papers, ",", " ")) {
		id, _, perr := arxiv.ParseID(s)
		if perr != nil {
			err = quire.Invalidf("%q is not an arXiv id or link.", s)
			break
		}
		in.Papers = append(in.Papers, id)
	}
	if err == nil {
		err = fp.store.SetInterests(r.Context(), a.ID, in)
	}
	if msg := quire.UserMessage(err); msg != "" {
		page.Error = msg
		return fp.render(w, r, statusOf(err), page, false)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/for-you?saved=1", http.StatusSeeOther)
	return nil
}

// notInterested serves POST /for-you/not-interested.
func (fp *forYouPages) notInterested(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := allow(r.Context(), fp.limit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	id, _, err := arxiv.ParseID(r.PostFormValue("paper"))
	if err != nil {
		return err
	}
	undo := r.PostFormValue("undo") == "1"
	if err := fp.store.SetNotInterested(r.Context(), a.ID, id, !undo, fp.h.now()); err != nil {
		return err
	}
	back := "/for-you?hidden=" + id
	if undo {
		back = "/for-you"
	}
	http.Redirect(w, r, returnPath(r, back), http.StatusSeeOther)
	return nil
}

// recordOpened records that the signed-in reader viewed paper id's page,
// for the feed to learn from. The page is served whether or not that
// works: a lost view costs the feed little.
func (h *Handler) recordOpened(r *http.Request, id string) {
	a := currentAccount(r)
	if h.comm == nil || a == nil || r.Method != http.MethodGet {
		return
	}
	st, ok := h.comm.store.(quire.SignalStore)
	if !ok {
		return
	}
	if err := st.RecordOpened(r.Context(), a.ID, id, h.now()); err != nil {
		h.logger.Warn("web: recording an opened paper", "paper", id, "account", a.ID, "error", err)
	}
}
