// Package pagecache keeps rendered responses for a few seconds. Rendering a
// day's list costs a store query and a template or JSON encoding of about a
// millisecond each; popular lists are requested far more often than they
// change (an import runs a few times a day, votes trickle in), so a short
// reuse multiplies throughput while changes show up within seconds.
//
// One Cache serves the pages and the API, so that a write through either
// (a vote, a comment, a submission) purges both: the node that took the
// write shows it at once, other nodes within the TTL.
package pagecache

import (
	"sync"
	"time"
)

// DefaultTTL is how long a response is reused unless configured otherwise.
const DefaultTTL = 3 * time.Second

// MaxBytes bounds the memory a Cache holds.
const MaxBytes = 32 << 20

// Cache keeps response bodies by key (a request's URI) until they expire.
// Its methods are safe for concurrent use.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	pages map[string]page
	size  int
}

type page struct {
	body    []byte
	expires time.Time
}

// New returns a cache whose entries live for ttl by the clock now (nil:
// time.Now).
func New(ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{ttl: ttl, now: now, pages: make(map[string]page)}
}

// Get returns the body kept under key, if it has not expired. The caller
// must not change it.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if !ok || !c.now().Before(p.expires) {
		return nil, false
	}
	return p.body, true
}

// Put keeps a copy of body under key. When the cache is full it first drops
// expired entries, and if that is not enough it keeps nothing new: a miss
// only costs a render.
func (c *Cache) Put(key string, body []byte) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.pages[key]; ok {
		c.size -= len(old.body)
		delete(c.pages, key)
	}
	if c.size+len(body) > MaxBytes {
		for k, p := range c.pages {
			if !now.Before(p.expires) {
				c.size -= len(p.body)
				delete(c.pages, k)
			}
		}
		if c.size+len(body) > MaxBytes {
			return
		}
	}
	c.pages[key] = page{body: append([]byte(nil), body...), expires: now.Add(c.ttl)}
	c.size += len(body)
}

// Purge forgets every entry, so that the next requests show the store's
// current content. Call it after writing to the store.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.pages)
	c.size = 0
}

// Size is the number of bytes held.
func (c *Cache) Size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
