package analyze

import (
	"sync"
	"sync/atomic"
)

// cacheShards spreads the stem cache over several locks so that goroutines
// that miss at the same time rarely wait for each other.
const cacheShards = 32

// stemCache maps a normalised word to its term, with a bounded size.
//
// Hits are the common case (word frequencies are Zipfian), so each shard
// serves them from an immutable map read through an atomic pointer: a
// read-write mutex would make every hit write to a shared counter, and with
// two cores tokenising that contention halved the combined throughput.
// Misses go to a small pending map under a mutex, which is merged into a
// new immutable map once it has grown by half. When a shard is full the
// merge starts over from the pending words alone, so frequent words are
// stemmed again once and rare ones drop out.
type stemCache struct {
	perShard int
	shards   [cacheShards]cacheShard
}

type cacheShard struct {
	ready   atomic.Pointer[map[string]string]
	mu      sync.Mutex
	pending map[string]string
	// pendingHits counts lookups answered from pending since the last merge.
	pendingHits int
	// Pad to 64 bytes: a miss writes mu, which must not evict the
	// neighbouring shard's ready pointer from other cores' caches.
	_ [32]byte
}

// publishAfterHits is how many lookups a shard answers from its pending
// words, under its mutex, before it merges them.
const publishAfterHits = 16

func newStemCache(size int) *stemCache {
	c := &stemCache{perShard: max(2, size/cacheShards)}
	for i := range c.shards {
		empty := map[string]string{}
		c.shards[i].ready.Store(&empty)
		c.shards[i].pending = map[string]string{}
	}
	return c
}

// shardOf picks the shard of a word from its length and its ends: far
// cheaper than hashing every byte, and the map hashes the word anyway.
func shardOf(b []byte) int {
	h := uint32(len(b)) * 0x9e3779b1
	h ^= uint32(b[0])<<16 | uint32(b[len(b)-1])<<8 | uint32(b[len(b)/2])
	h *= 0x85ebca6b
	return int(h>>27) % cacheShards
}

// term returns the term for the finished word w (not empty), from the cache
// when it can, or "" for a stop word.
func (c *stemCache) term(w *word) string {
	key := w.buf[:w.n]
	s := &c.shards[shardOf(key)]
	if t, ok := (*s.ready.Load())[string(key)]; ok {
		return t
	}
	s.mu.Lock()
	t, ok := s.pending[string(key)]
	if ok {
		// A word in demand should not keep taking the lock.
		s.pendingHits++
		if s.pendingHits >= publishAfterHits {
			c.publish(s)
		}
	}
	s.mu.Unlock()
	if ok {
		return t
	}

	k := string(key)
	switch {
	case isStopWord(key):
		t = ""
	case w.letter && !w.nonASCII:
		if t = stem(k); t == k {
			t = k // share the key's bytes
		}
	default:
		t = k
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[k] = t
	if n := len(*s.ready.Load()); len(s.pending) >= max(16, n/2) || n+len(s.pending) > c.perShard {
		c.publish(s)
	}
	return t
}

// publish merges the pending words of s into a new immutable map. The
// caller holds s.mu.
func (c *stemCache) publish(s *cacheShard) {
	ready := *s.ready.Load()
	var next map[string]string
	if len(ready)+len(s.pending) > c.perShard {
		next = s.pending
	} else {
		next = make(map[string]string, len(ready)+len(s.pending))
		for k, v := range ready {
			next[k] = v
		}
		for k, v := range s.pending {
			next[k] = v
		}
	}
	s.ready.Store(&next)
	s.pending = map[string]string{}
	s.pendingHits = 0
}

// len returns the number of cached words.
func (c *stemCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(*s.ready.Load()) + len(s.pending)
		s.mu.Unlock()
	}
	return n
}
