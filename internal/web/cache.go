package web

import (
	"net/http"

	"quire/internal/pagecache"
)

// DefaultCacheTTL is how long a rendered page is reused when Options leave
// CacheTTL zero.
const DefaultCacheTTL = pagecache.DefaultTTL

// Purge drops every cached page, so that the next requests show the store's
// current content. Call it after writing to the store in the same process.
func (h *Handler) Purge() {
	if h.cache != nil {
		h.cache.Purge()
	}
}

// cacheWriter marks a response that render may store in the cache under key.
type cacheWriter struct {
	http.ResponseWriter
	key string
}

// cached serves fn's pages from the cache when it has them, and lets render
// store them otherwise. Pages are kept only for visitors: a signed-in
// member's page holds a form token and the member's votes, so it bypasses
// the cache. Only successful GET and HEAD responses are kept.
func (h *Handler) cached(fn handlerFunc) handlerFunc {
	if h.cache == nil {
		return func(w http.ResponseWriter, r *http.Request) error {
			if currentAccount(r) != nil {
				privateNoStore(w)
			}
			return fn(w, r)
		}
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if currentAccount(r) != nil {
			// A signed-in page holds a form token and the account's votes.
			privateNoStore(w)
			return fn(w, r)
		}
		key := r.URL.RequestURI()
		if body, ok := h.cache.Get(key); ok {
			writeHTML(w, http.StatusOK, body)
			return nil
		}
		return fn(&cacheWriter{ResponseWriter: w, key: key}, r)
	}
}
