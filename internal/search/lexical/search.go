package lexical

import (
	"cmp"
	"slices"
	"strings"
)

// Search returns the K best documents for r, best first, ties by lower id.
// A request with nothing to score or require matches nothing.
func (ix *Index) Search(r Request) []Hit {
	k := r.K
	if k <= 0 {
		k = DefaultK
	}
	k = min(k, MaxK)

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.live == 0 {
		return nil
	}
	pl, ok := ix.planLocked(r)
	if !ok {
		return nil
	}
	h := newTopK(k)
	// Larger segments first: they raise the threshold that prunes the rest.
	segs := append(make([]*segment, 0, len(ix.segs)+1), ix.segs...)
	segs = append(segs, ix.mem)
	slices.SortStableFunc(segs, func(a, b *segment) int { return cmp.Compare(b.liveLen(), a.liveLen()) })
	c := &segCtx{ix: ix, pl: pl, h: h, contrib: make([]float64, len(pl.should))}
	for _, s := range segs {
		if s.liveLen() > 0 {
			c.run(s)
		}
	}
	return h.sorted()
}

// plan is a request resolved against the vocabulary.
type plan struct {
	sc      scorer
	should  []shouldTerm // slot i scores should[i]
	must    []phrase     // required phrases and author names
	mustNot []phrase
	filter  func(uint32) bool
}

type shouldTerm struct {
	term uint32
	w    float64 // qtf · idf · (k1+1)
}

// phrase is a sequence of terms at relative positions (offs[0] = 0).
type phrase struct {
	terms []uint32
	offs  []uint32
}

// planLocked resolves r; ok is false when nothing can match. The caller
// holds mu.
func (ix *Index) planLocked(r Request) (*plan, bool) {
	ix.voc.mu.RLock()
	defer ix.voc.mu.RUnlock()
	pl := &plan{sc: ix.scorerLocked(), filter: r.Filter}

	lookup := func(t string) (uint32, bool) {
		id, ok := ix.voc.lookup(t)
		if !ok || int(id) >= len(ix.df) || ix.df[id] <= 0 {
			return 0, false
		}
		return id, true
	}

	qtf := map[uint32]int{}
	for _, t := range r.Should {
		id, ok := lookup(t)
		if !ok {
			continue
		}
		if qtf[id] == 0 {
			pl.should = append(pl.should, shouldTerm{term: id})
		}
		qtf[id]++
	}
	for i := range pl.should {
		st := &pl.should[i]
		st.w = float64(qtf[st.term]) * idf(ix.live, int(ix.df[st.term])) * (ix.p.K1 + 1)
	}

	// toPhrase resolves words; known is false when a word is not indexed,
	// empty is true when there is no word at all.
	toPhrase := func(words []string) (ph phrase, known, empty bool) {
		first := -1
		for i, w := range words {
			if w == "" {
				continue
			}
			if first < 0 {
				first = i
			}
			id, ok := lookup(w)
			if !ok {
				return phrase{}, false, false
			}
			ph.terms = append(ph.terms, id)
			ph.offs = append(ph.offs, uint32(i-first))
		}
		return ph, true, first < 0
	}
	for _, words := range r.Must {
		ph, known, empty := toPhrase(words)
		if empty {
			continue
		}
		if !known {
			return nil, false
		}
		pl.must = append(pl.must, ph)
	}
	for _, name := range r.Authors {
		words := NameWords(strings.Join(name, " "))
		if len(words) == 0 {
			continue
		}
		for i := range words {
			words[i] = authorPrefix + words[i]
		}
		ph, known, _ := toPhrase(words)
		if !known {
			return nil, false
		}
		pl.must = append(pl.must, ph)
	}
	for _, words := range r.MustNot {
		ph, known, empty := toPhrase(words)
		if empty || !known {
			continue // a phrase with an unknown word excludes nothing
		}
		pl.mustNot = append(pl.mustNot, ph)
	}
	if len(pl.should) == 0 && len(pl.must) == 0 {
		return nil, false
	}
	return pl, true
}
