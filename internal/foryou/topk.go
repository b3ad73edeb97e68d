package foryou

import (
	"cmp"
	"slices"
)

// better orders ranked papers: higher score, then more upvotes, then id.
func better(a, b Ranked) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Upvotes, a.Upvotes); c != 0 {
		return c
	}
	return cmp.Compare(a.PaperID, b.PaperID)
}

// topK keeps the k best of the papers pushed (all when k is 0) in a heap
// whose root is the worst kept, so a large catalogue costs O(n log k)
// rather than a full sort.
type topK struct {
	k int
	h []Ranked
}

func newTopK(k, n int) *topK {
	if k <= 0 || k > n {
		return &topK{h: make([]Ranked, 0, n)}
	}
	return &topK{k: k, h: make([]Ranked, 0, k)}
}

func (t *topK) push(r Ranked) {
	if t.k == 0 {
		t.h = append(t.h, r)
		return
	}
	if len(t.h) < t.k {
		t.h = append(t.h, r)
		t.up(len(t.h) - 1)
		return
	}
	if better(r, t.h[0]) < 0 {
		t.h[0] = r
		t.down(0)
	}
}

// worse reports whether h[i] ranks below h[j]: the heap's order.
func (t *topK) worse(i, j int) bool { return better(t.h[i], t.h[j]) > 0 }

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *topK) down(i int) {
	for {
		w := i
		if l := 2*i + 1; l < len(t.h) && t.worse(l, w) {
			w = l
		}
		if r := 2*i + 2; r < len(t.h) && t.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// sorted returns the kept papers, best first.
func (t *topK) sorted() []Ranked {
	slices.SortFunc(t.h, better)
	return t.h
}
