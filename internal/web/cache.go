package web

import (
	"net/http"
	"sync"
	"time"
)

// DefaultCacheTTL is how long a rendered page is reused when Options leave
// CacheTTL zero.
const DefaultCacheTTL = 3 * time.Second

// maxCacheBytes bounds the memory the page cache holds.
const maxCacheBytes = 32 << 20

// pageCache keeps rendered pages for a few seconds. Rendering a day's list
// costs a store query and a template run of about a millisecond each; popular
// pages are requested far more often than the lists change (an import runs a
// few times a day), so a short reuse multiplies throughput while an import
// shows up within seconds. Only successful GET and HEAD responses are kept,
// and only those for visitors: a signed-in member's page holds a form token
// and the member's votes, so it bypasses the cache (see cached).
type pageCache struct {
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	pages map[string]cachedPage
	size  int
}

type cachedPage struct {
	body    []byte
	expires time.Time
}

func newPageCache(ttl time.Duration, now func() time.Time) *pageCache {
	return &pageCache{ttl: ttl, now: now, pages: make(map[string]cachedPage)}
}

func (c *pageCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if !ok || !c.now().Before(p.expires) {
		return nil, false
	}
	return p.body, true
}

// put stores a copy of body under key. When the cache is full it first drops
// expired pages, and if that is not enough it keeps nothing new: a miss only
// costs a render.
func (c *pageCache) put(key string, body []byte) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.pages[key]; ok {
		c.size -= len(old.body)
		delete(c.pages, key)
	}
	if c.size+len(body) > maxCacheBytes {
		for k, p := range c.pages {
			if !now.Before(p.expires) {
				c.size -= len(p.body)
				delete(c.pages, k)
			}
		}
		if c.size+len(body) > maxCacheBytes {
			return
		}
	}
	c.pages[key] = cachedPage{body: append([]byte(nil), body...), expires: now.Add(c.ttl)}
	c.size += len(body)
}

// purge forgets every page.
func (c *pageCache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.pages)
	c.size = 0
}

// Purge drops every cached page, so that the next requests show the store's
// current content. Call it after writing to the store in the same process.
func (h *Handler) Purge() {
	if h.cache != nil {
		h.cache.purge()
	}
}

// cacheWriter marks a response that render may store in the cache under key.
type cacheWriter struct {
	http.ResponseWriter
	key string
}

// cached serves fn's pages from the cache when it has them, and lets render
// store them otherwise.
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
		if body, ok := h.cache.get(key); ok {
			writeHTML(w, http.StatusOK, body)
			return nil
		}
		return fn(&cacheWriter{ResponseWriter: w, key: key}, r)
	}
}
