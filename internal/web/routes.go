package web

import (
	"errors"
	"net/http"
	"strings"

	"quire"
)

// routes registers every page.
func (h *Handler) routes() {
	h.handle("GET /{$}", h.cached(h.home))
	h.handle("GET /papers/date/{date}", h.cached(h.dayList))
	h.handle("GET /papers/week", h.latestPeriod(quire.WeekPeriod))
	h.handle("GET /papers/week/{week}", h.cached(h.weekList))
	h.handle("GET /papers/month", h.latestPeriod(quire.MonthPeriod))
	h.handle("GET /papers/month/{month}", h.cached(h.monthList))
	h.handle("GET /papers/trending", h.cached(h.trendingList))
	h.handle("GET /papers", h.searchPage)
	h.handle("GET /papers/{id...}", h.withMarkdown(h.cached(h.paper))) // also {id}.md
	h.feedRoutes()
	h.followRoutes() // author and category pages; follows when accounts are on
	if h.comm != nil {
		h.communityRoutes()
	}
	h.handle("GET /static/{hash}/{name}", h.static)
	h.handle("GET /favicon.ico", h.favicon)
	// Everything else gets the site's 404 page rather than the mux's
	// plain-text one.
	h.handle("/", h.notFound)
}

// communityRoutes registers the pages of accounts, votes, submissions and
// comments.
func (h *Handler) communityRoutes() {
	h.handle("GET /signup", h.form(h.signupPage))
	h.handle("POST /signup", h.form(h.signup))
	h.handle("GET /login", h.form(h.loginPage))
	h.handle("POST /login", h.form(h.login))
	h.handle("POST /logout", h.form(h.logout))
	h.handle("GET /account", h.signedIn(h.form(h.accountPage)))
	h.handle("POST /account/password", h.signedIn(h.form(h.changePassword)))
	h.handle("POST /account/verify/send", h.signedIn(h.form(h.resendVerification)))
	h.handle("GET /account/verify", h.form(h.verifyPage))
	h.handle("POST /account/verify", h.form(h.verify))
	h.handle("GET /password/forgot", h.form(h.forgotPage))
	h.handle("POST /password/forgot", h.form(h.forgot))
	h.handle("GET /password/reset", h.form(h.resetPage))
	h.handle("POST /password/reset", h.form(h.reset))
	h.handle("POST /account/tokens", h.signedIn(h.form(h.createToken)))
	h.handle("POST /account/tokens/{tid}/revoke", h.signedIn(h.form(h.revokeToken)))
	h.handle("POST /papers/{id}/vote", h.signedIn(h.form(h.vote)))
	h.handle("POST /papers/{archive}/{num}/vote", h.signedIn(h.form(h.vote)))
	h.handle("POST /papers/{id}/comments", h.signedIn(h.form(h.addComment)))
	h.handle("POST /papers/{archive}/{num}/comments", h.signedIn(h.form(h.addComment)))
	h.handle("POST /comments/{cid}/edit", h.signedIn(h.form(h.editComment)))
	h.handle("POST /comments/{cid}/delete", h.signedIn(h.form(h.deleteComment)))
	h.handle("POST /comments/{cid}/hide", h.signedIn(h.form(h.hideComment)))
	h.handle("POST /papers/{id}/hide", h.signedIn(h.form(h.hidePaper)))
	h.handle("POST /papers/{archive}/{num}/hide", h.signedIn(h.form(h.hidePaper)))
	h.handle("POST /papers/{id}/entries/{day}/hide", h.signedIn(h.form(h.hideEntry)))
	h.handle("POST /papers/{archive}/{num}/entries/{day}/hide", h.signedIn(h.form(h.hideEntry)))
	h.handle("GET /moderation", h.signedIn(h.form(h.moderationView)))
	h.handle("POST /moderation/accounts", h.signedIn(h.form(h.disableAccount)))
	h.handle("GET /submit", h.signedIn(h.form(h.submitPage)))
	h.handle("POST /submit", h.signedIn(h.form(h.submit)))
	h.digestRoutes()
	h.listRoutes()
	h.forYouRoutes()
}

// digestRoutes registers the pages of digest subscriptions. Their links
// come from mail, and the signed token they carry proves the address.
func (h *Handler) digestRoutes() {
	h.handle("GET /subscribe", h.form(h.subscribeForm))
	h.handle("POST /subscribe", h.form(h.subscribe))
	h.handle("GET /subscribe/confirm", h.form(h.confirmPage))
	h.handle("POST /subscribe/confirm", h.form(h.confirm))
	h.handle("GET /subscription", h.form(h.managePage))
	h.handle("POST /subscription", h.form(h.manage))
	// One-click unsubscription (RFC 8058) comes from mail clients without
	// cookies or form token: the signed link is the proof, so these two
	// are not wrapped in form.
	h.handle("GET /unsubscribe", h.unsubscribePage)
	h.handle("POST /unsubscribe", h.unsubscribe)
	h.handle("GET /digests/{id}", h.digestView)
}

// handlerFunc is an HTTP handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) handle(pattern string, fn handlerFunc) {
	// Static files are the same for everyone: no session lookup.
	static := strings.HasPrefix(pattern, "GET /static/") || pattern == "GET /favicon.ico"
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if h.comm != nil && !static {
			r = h.loadSession(w, r)
		}
		if err := fn(w, r); err != nil {
			h.serveError(w, r, err)
		}
	})
}

// errMethod answers a request whose method no route accepts. Pages are
// read with GET and HEAD; the few addresses that take a POST have routes of
// their own.
var errMethod = errors.New("method not allowed")

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return errMethod
	}
	return quire.NotFoundf("There is no page at this address.")
}
