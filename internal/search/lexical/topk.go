package lexical

import (
	"math"
	"slices"
)

// topK keeps the k best hits seen so far in a min-heap whose root is the
// worst: the lowest score, and among equal scores the highest id.
type topK struct {
	k int
	h []Hit
}

func newTopK(k int) *topK { return &topK{k: k, h: make([]Hit, 0, min(k, 1024))} }

// worse reports whether a ranks below b.
func worse(a, b Hit) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.ID > b.ID)
}

// competitive reports whether a hit would enter the heap.
func (t *topK) competitive(score float32, id uint32) bool {
	return len(t.h) < t.k || worse(t.h[0], Hit{ID: id, Score: score})
}

// pruneBelow returns a score under which no document can enter: the worst
// kept score when the heap is full, lowered by a margin that absorbs the
// rounding differences between partial sums, bounds and final scores.
func (t *topK) pruneBelow() float64 {
	if len(t.h) < t.k {
		return math.Inf(-1)
	}
	s := float64(t.h[0].Score)
	return s - math.Abs(s)*1e-6 - 1e-9
}

func (t *topK) push(x Hit) {
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		t.up(len(t.h) - 1)
		return
	}
	t.h[0] = x
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(t.h[r], t.h[l]) {
			m = r
		}
		if !worse(t.h[m], t.h[i]) {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// sorted returns the hits best first.
func (t *topK) sorted() []Hit {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b Hit) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return out
}
