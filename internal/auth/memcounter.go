package auth

import (
	"context"
	"sync"
	"time"

	"quire"
)

// DefaultMaxKeys is the number of keys a MemoryCounter tracks unless told
// otherwise: a few megabytes at most.
const DefaultMaxKeys = 100_000

// sweepEvery is how often a MemoryCounter drops the windows that ended.
const sweepEvery = time.Minute

// MemoryCounter is a RateCounter held in the process's memory, for a single
// node. Its memory is bounded: ended windows are dropped at least once a
// minute, and when MaxKeys windows are open a new key evicts random ones.
// An evicted key starts afresh, so a flood of distinct keys can only make
// the limits more lenient for some keys, never refuse anyone wrongly.
// It is safe for concurrent use.
type MemoryCounter struct {
	mu        sync.Mutex
	max       int
	windows   map[string]*window
	lastSweep time.Time
}

type window struct {
	end   time.Time
	count int
}

// NewMemoryCounter returns a MemoryCounter tracking at most maxKeys keys;
// maxKeys <= 0 means DefaultMaxKeys.
func NewMemoryCounter(maxKeys int) *MemoryCounter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &MemoryCounter{max: maxKeys, windows: make(map[string]*window)}
}

// HitRateLimit implements RateCounter. Its error is of kind
// quire.ErrInvalid, for a limit or window RateCounter does not allow.
func (m *MemoryCounter) HitRateLimit(_ context.Context, key string, win time.Duration, limit int, now time.Time) (bool, time.Duration, error) {
	if err := checkRate(limit, win); err != nil {
		return false, 0, quire.Invalidf("rate limit %s", err)
	}
	end := windowEnd(now, win)
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.lastSweep) >= sweepEvery || now.Before(m.lastSweep) {
		m.sweep(now)
	}
	w := m.windows[key]
	if w == nil || !w.end.Equal(end) {
		if w == nil && len(m.windows) >= m.max {
			m.makeRoom(now)
		}
		w = &window{end: end}
		m.windows[key] = w
	}
	if w.count <= limit {
		w.count++ // never past limit+1, so it cannot overflow
	}
	if w.count <= limit {
		return true, 0, nil
	}
	return false, end.Sub(now), nil
}

// windowEnd returns the end of the window of length win, aligned on the
// Unix epoch, that holds now: the same windows the store counts.
func windowEnd(now time.Time, win time.Duration) time.Time {
	w := int64(win / time.Second)
	s := now.Unix()
	s -= ((s % w) + w) % w // floor, also before 1970
	return time.Unix(s, 0).Add(win)
}

// Len returns the number of keys tracked.
func (m *MemoryCounter) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.windows)
}

// sweep drops the windows that ended by now.
func (m *MemoryCounter) sweep(now time.Time) {
	for k, w := range m.windows {
		if !now.Before(w.end) {
			delete(m.windows, k)
		}
	}
	m.lastSweep = now
}

// makeRoom frees space for a new key: ended windows first, then, if all are
// open, random ones (map order is unspecified) down to seven eighths of the
// maximum, so that the next full sweep is at least max/8 new keys away.
func (m *MemoryCounter) makeRoom(now time.Time) {
	m.sweep(now)
	target := m.max - max(1, m.max/8)
	for k := range m.windows {
		if len(m.windows) <= target {
			break
		}
		delete(m.windows, k)
	}
}
