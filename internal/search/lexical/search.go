package lexical

import (
	"cmp"
	"math"
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
	pl := ix.planLocked(r)
	if pl.impossible || len(pl.should) == 0 && len(pl.must) == 0 {
		return nil
	}
	h := newTopK(k)
	// Larger segments first: they raise the threshold that prunes the rest.
	segs := append(make([]*segment, 0, len(ix.segs)+1), ix.segs...)
	segs = append(segs, ix.mem)
	slices.SortStableFunc(segs, func(a, b *segment) int { return cmp.Compare(b.liveLen(), a.liveLen()) })
	c := &segCtx{ix: ix, pl: pl, h: h}
	for _, s := range segs {
		if s.liveLen() > 0 {
			c.run(s)
		}
	}
	if c.win != nil {
		windows.Put(c.win)
	}
	return h.sorted()
}

// plan is a request resolved against the vocabulary.
type plan struct {
	// impossible is set when a required word is not indexed at all.
	impossible bool

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
	// byte patterns for mayMatch; nil when no two terms are adjacent
	pat0, pat1a, pat1b []byte
}

// planLocked resolves r. The caller holds mu.
func (ix *Index) planLocked(r Request) *plan {
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

	qtf := map[uint32]float64{}
	for i, t := range r.Should {
		id, ok := lookup(t)
		if !ok {
			continue
		}
		if _, seen := qtf[id]; !seen {
			if len(pl.should) == MaxTerms {
				continue
			}
			pl.should = append(pl.should, shouldTerm{term: id})
		}
		w := 1.0
		if i < len(r.Weights) && r.Weights[i] > 0 && !math.IsInf(r.Weights[i], 1) {
			w = r.Weights[i]
		}
		qtf[id] = min(qtf[id]+w, maxQtf)
	}
	for i := range pl.should {
		st := &pl.should[i]
		st.w = qtf[st.term] * idf(ix.live, int(ix.df[st.term])) * (ix.p.K1 + 1)
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
			pl.impossible = true
			continue
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
			pl.impossible = true
			continue
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
	df := func(t uint32) int32 { return ix.df[t] }
	for i := range pl.must {
		pl.must[i].setPattern(df)
	}
	for i := range pl.mustNot {
		pl.mustNot[i].setPattern(df)
	}
	return pl
}

// Score returns the score Search would give each of ids for r's Should
// terms (0 where none occurs), and whether each satisfies r's Must,
// MustNot and Authors clauses. Filter and K are ignored; an id that is not
// in the index scores 0 and does not match. It looks the given documents
// up in the postings, a few steps per id and term, so it is the way to
// score candidates found elsewhere (by vector search): a Search limited to
// them by a Filter would still walk every posting of every term.
func (ix *Index) Score(r Request, ids []uint32) (scores []float32, match []bool) {
	scores, match = make([]float32, len(ids)), make([]bool, len(ids))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.live == 0 || len(ids) == 0 {
		return scores, match
	}
	r.Filter = nil
	pl := ix.planLocked(r)
	type ref struct {
		ord uint32
		i   int
	}
	groups := map[*segment][]ref{}
	for i, id := range ids {
		if l := ix.loc.get(id); l.serial != 0 {
			s := ix.bySerial[l.serial]
			groups[s] = append(groups[s], ref{l.ord, i})
		}
	}
	c := &segCtx{ix: ix, pl: pl}
	sc := &pl.sc
	for s, refs := range groups {
		slices.SortFunc(refs, func(a, b ref) int { return cmp.Compare(a.ord, b.ord) })
		possible := c.setup(s) && !pl.impossible
	docs:
		for _, rf := range refs {
			d := rf.ord
			K := sc.k(s.wlen[d])
			var acc int64
			for _, it := range c.should {
				if it.advance(d) == d {
					wtf := float64(it.curWtf())
					acc += fix(it.w * wtf / (wtf + K))
				}
			}
			scores[rf.i] = float32(unfix(acc))
			if !possible {
				continue
			}
			for _, it := range c.req {
				if it.advance(d) != d {
					continue docs
				}
			}
			match[rf.i] = c.accept(d)
		}
	}
	return scores, match
}
