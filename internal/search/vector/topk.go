package vector

import "slices"

// cand is a scored id; S is the int32 of code scores or the float32 of
// exact ones.
type cand[S int32 | float32] struct {
	s  S
	id uint32
}

// better orders candidates: higher score first, then lower id, so results
// never depend on the order in which lists were scanned.
func better[S int32 | float32](a, b cand[S]) bool {
	return a.s > b.s || (a.s == b.s && a.id < b.id)
}

// topk keeps the k best candidates in a heap whose root is the worst kept.
type topk[S int32 | float32] struct {
	k int
	h []cand[S]
}

func (t *topk[S]) reset(k int) {
	t.k = k
	t.h = t.h[:0]
}

// full reports whether the heap holds k candidates, after which only
// candidates better than min() get in.
func (t *topk[S]) full() bool { return len(t.h) == t.k }

func (t *topk[S]) min() cand[S] { return t.h[0] }

func (t *topk[S]) push(s S, id uint32) {
	c := cand[S]{s, id}
	if len(t.h) < t.k {
		t.h = append(t.h, c)
		t.up(len(t.h) - 1)
		return
	}
	if t.k == 0 || !better(c, t.h[0]) {
		return
	}
	t.h[0] = c
	t.down(0)
}

func (t *topk[S]) up(i int) {
	h := t.h
	for i > 0 {
		p := (i - 1) / 2
		if !better(h[p], h[i]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (t *topk[S]) down(i int) {
	h := t.h
	for {
		w := i
		if l := 2*i + 1; l < len(h) && better(h[w], h[l]) {
			w = l
		}
		if r := 2*i + 2; r < len(h) && better(h[w], h[r]) {
			w = r
		}
		if w == i {
			return
		}
		h[w], h[i] = h[i], h[w]
		i = w
	}
}

// sorted returns the kept candidates best first; the heap is consumed.
func (t *topk[S]) sorted() []cand[S] {
	slices.SortFunc(t.h, func(a, b cand[S]) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return t.h
}
