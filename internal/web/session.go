package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"quire"
	"quire/internal/auth"
)

// Sessions last sessionTTL after the last request that used them, and
// their last use is written at most once per sessionTouchEvery, so that
// browsing costs no database write per page.
const (
	sessionTTL        = 30 * 24 * time.Hour
	sessionTouchEvery = time.Minute
)

// Names of the session cookie. Over HTTPS the __Host- prefix makes
// browsers refuse one set by a sibling subdomain or over plain HTTP.
const (
	sessionCookieSecure   = "__Host-quire_session"
	sessionCookieInsecure = "quire_session"
)

// viewer is who makes a request: a signed-in account and its session.
type viewer struct {
	token   string // the cookie's raw value
	hash    []byte
	account *quire.Account
}

type viewerKey struct{}

// currentViewer returns the signed-in viewer of r, or nil.
func currentViewer(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// currentAccount returns the signed-in account of r, or nil.
func currentAccount(r *http.Request) *quire.Account {
	if v := currentViewer(r); v != nil {
		return v.account
	}
	return nil
}

// sessionToken is the CSRF binding: the session cookie of a signed-in
// request. A cookie the store does not know does not count, so a forged
// one is as good as none.
func sessionToken(r *http.Request) string {
	if v := currentViewer(r); v != nil {
		return v.token
	}
	return ""
}

func (c *community) cookieName() string {
	if c.secure {
		return sessionCookieSecure
	}
	return sessionCookieInsecure
}

// loadSession returns r with its viewer in the context when its session
// cookie names a live session, sliding the session's expiry forward.
func (h *Handler) loadSession(w http.ResponseWriter, r *http.Request) *http.Request {
	c := h.comm
	ck, err := r.Cookie(c.cookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return r
	}
	ctx := r.Context()
	hash := auth.HashToken(ck.Value)
	now := h.now()
	s, a, err := c.store.FindSession(ctx, hash, now)
	if err != nil {
		if !errors.Is(err, quire.ErrNotFound) {
			h.logger.Error("finding a session", "error", err)
		}
		return r
	}
	if now.Sub(s.LastSeenAt) >= sessionTouchEvery {
		expires := now.Add(sessionTTL)
		if err := c.store.TouchSession(ctx, hash, now, expires); err != nil {
			h.logger.Error("touching a session", "error", err)
		} else {
			c.setSessionCookie(w, ck.Value, expires, now)
		}
	}
	return r.WithContext(context.WithValue(ctx, viewerKey{}, &viewer{token: ck.Value, hash: hash, account: a}))
}

func (c *community) setSessionCookie(w http.ResponseWriter, token string, expires, now time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     c.cookieName(),
		Value:    token,
		Path:     "/",
		MaxAge:   int(expires.Sub(now) / time.Second),
		Secure:   c.secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}

func (c *community) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: c.cookieName(), Value: "", Path: "/", MaxAge: -1,
		Secure: c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

// startSession signs account a in: a new session, whatever cookie the
// browser had before, so that a token planted before log-in is worthless.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, a *quire.Account) error {
	now := h.now()
	token, hash := auth.NewToken()
	s := &quire.Session{TokenHash: hash, AccountID: a.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := h.comm.store.CreateSession(r.Context(), s); err != nil {
		return err
	}
	if old := currentViewer(r); old != nil {
		h.comm.store.DeleteSession(r.Context(), old.hash)
	}
	h.comm.setSessionCookie(w, token, s.ExpiresAt, now)
	return nil
}

// form wraps the handler of a page with a form or of a state-changing
// request: it is never cached anywhere, and unsafe requests must carry a
// valid CSRF token.
func (h *Handler) form(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		privateNoStore(w)
		var err error
		h.comm.csrf.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			err = fn(w, r)
		})).ServeHTTP(w, r)
		return err
	}
}

// privateNoStore keeps a response out of every cache: it holds a form token or
// what one account sees.
func privateNoStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, no-store")
}

// signedIn wraps a handler that needs an account: others are sent to the
// log-in page (or, for a script, answered 401).
func (h *Handler) signedIn(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if currentAccount(r) != nil {
			return fn(w, r)
		}
		privateNoStore(w)
		if wantsJSON(r) {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "Log in to do this.", "login": loginHref(returnPath(r, ""))})
			return nil
		}
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = returnPath(r, "/")
		}
		http.Redirect(w, r, loginHref(back), http.StatusSeeOther)
		return nil
	}
}

func loginHref(back string) string {
	if back == "" || back == "/" {
		return "/login"
	}
	return "/login?" + url.Values{"return": {back}}.Encode()
}

// returnPath is the form's or query's "return" value when it is a safe
// path on this site, else def.
func returnPath(r *http.Request, def string) string {
	v := r.FormValue("return")
	if safePath(v) {
		return v
	}
	return def
}

// safePath reports whether s is a path on this site: it starts with one
// slash and cannot be read as another host ("//evil", "/\evil").
func safePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || len(s) > 2048 {
		return false
	}
	if strings.ContainsAny(s, "\r\n\t\\") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// wantsJSON reports whether r comes from the page's script, which asks
// for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
