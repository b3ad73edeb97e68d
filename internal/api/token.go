package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"quire"
	"quire/internal/auth"
)

// touchEvery is how often a token's last use is written: the account page
// shows it to the minute at best, and a script voting in a loop should not
// cost a write per request.
const touchEvery = time.Minute

// Refusals of requests that need a token. The challenge follows RFC 6750.
var (
	errNoToken = &apiError{
		status:       http.StatusUnauthorized,
		msg:          "This needs a personal API token, sent as \"Authorization: Bearer qk_...\". Create one on your account page.",
		authenticate: `Bearer realm="quire"`,
	}
	errBadToken = &apiError{
		status:       http.StatusUnauthorized,
		msg:          "This API token is not valid: it is unknown or revoked, or its account is disabled.",
		authenticate: `Bearer realm="quire", error="invalid_token"`,
	}
)

// authenticate returns the token and account of a request carrying a
// valid "Authorization: Bearer" API token. Cookies are never consulted,
// which is what lets the write endpoints go without CSRF tokens: a browser
// attaches cookies to other sites' requests, but never this header.
func (h *Handler) authenticate(r *http.Request) (*quire.APIToken, *quire.Account, error) {
	raw, ok := auth.BearerToken(r)
	if !ok {
		return nil, nil, errNoToken
	}
	if !auth.IsAPIToken(raw) {
		return nil, nil, errBadToken
	}
	ctx := r.Context()
	tok, acct, err := h.store.FindAPIToken(ctx, auth.HashToken(raw))
	if errors.Is(err, quire.ErrNotFound) {
		return nil, nil, errBadToken
	}
	if err != nil {
		return nil, nil, err
	}
	if acct.Disabled() {
		// FindAPIToken leaves disabled accounts out; this guards against
		// a store that does not.
		return nil, nil, forbidden("This account is disabled.", nil)
	}
	h.touch(ctx, tok)
	return tok, acct, nil
}

// touch records that tok was used now, at most once every touchEvery. A
// failure is logged, not returned: the request itself is fine.
func (h *Handler) touch(ctx context.Context, tok *quire.APIToken) {
	now := h.now()
	if now.Sub(tok.LastUsedAt) < touchEvery || !h.touches.claim(tok.ID, now) {
		return
	}
	if err := h.store.TouchAPIToken(ctx, tok.ID, now); err != nil {
		h.logger.LogAttrs(ctx, slog.LevelWarn, "recording API token use failed",
			slog.Int64("token", tok.ID), slog.String("error", err.Error()))
	}
}

// touches remembers when this process last wrote each token's use, so
// that concurrent requests with one token, which all read the same old
// time from the store, write it once.
type touches struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

// maxTouches bounds the map; past it, entries older than touchEvery, which
// no longer decide anything, are dropped.
const maxTouches = 10_000

// claim reports whether the caller should write token id's use at now.
func (t *touches) claim(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = make(map[int64]time.Time)
	}
	if last, ok := t.last[id]; ok && now.Sub(last) < touchEvery && !now.Before(last) {
		return false
	}
	if len(t.last) >= maxTouches {
		for k, v := range t.last {
			if now.Sub(v) >= touchEvery {
				delete(t.last, k)
			}
		}
	}
	t.last[id] = now
	return true
}

// limit counts one event of l for the account and refuses it with a 429
// when the account is over its rate.
func (h *Handler) limit(ctx context.Context, l *auth.CounterLimiter, acct *quire.Account) error {
	ok, retry, err := l.Allow(ctx, quire.IDTargetID(acct.ID))
	if err != nil {
		return err
	}
	if !ok {
		return tooMany(auth.RetryMessage(retry), retry, nil)
	}
	return nil
}
