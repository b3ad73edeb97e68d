package lexical

import (
	"bytes"
	"slices"
	"strings"
)

// Expand returns up to max indexed terms that start with prefix, those in
// the most documents first (ties in byte order). Exact author-name terms
// ("@hinton") are included only when prefix starts with "@". An empty
// prefix or a max below 1 gives nil.
func (ix *Index) Expand(prefix string, max int) []string {
	if prefix == "" || max < 1 {
		return nil
	}
	authors := strings.HasPrefix(prefix, authorPrefix)
	type cand struct {
		id uint32
		df int32
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v := ix.voc
	v.mu.RLock()
	defer v.mu.RUnlock()

	// better orders candidates: more documents first, then by term.
	better := func(a, b cand) bool {
		if a.df != b.df {
			return a.df > b.df
		}
		return bytes.Compare(v.bytesOf(a.id), v.bytesOf(b.id)) < 0
	}
	// Keep the best max in a min-heap (worst at the root), so a short prefix
	// matching many terms costs a pass, not a sort.
	var h []cand
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && better(h[l], h[r]) {
				m = r
			}
			if !better(h[i], h[m]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	v.withPrefix([]byte(prefix), func(id uint32) {
		if int(id) >= len(ix.df) || ix.df[id] <= 0 {
			return
		}
		if !authors && bytes.HasPrefix(v.bytesOf(id), []byte(authorPrefix)) {
			return
		}
		c := cand{id, ix.df[id]}
		if len(h) < max {
			h = append(h, c)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !better(h[p], h[i]) {
					break
				}
				h[p], h[i] = h[i], h[p]
				i = p
			}
			return
		}
		if better(c, h[0]) {
			h[0] = c
			down(0)
		}
	})
	if len(h) == 0 {
		return nil
	}
	slices.SortFunc(h, func(a, b cand) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	out := make([]string, len(h))
	for i, c := range h {
		out[i] = string(v.bytesOf(c.id))
	}
	return out
}
