package lexical

import (
	"math"
	"slices"
)

// segCtx evaluates a plan over one segment at a time, sharing one heap, so
// the threshold reached in one segment prunes the next.
type segCtx struct {
	ix *Index
	pl *plan
	h  *topK
	s  *segment

	store   []iter
	should  []*iter
	req     []*iter // one per distinct required term
	posMust []*phrase
	not     []notClause

	contrib []float64 // per should slot, for the document being scored
	touched []int
	toks    []posTerm
	notPos  []*phrase
}

type notClause struct {
	ph  *phrase
	its []*iter
}

// open points it at term's postings in the current segment.
func (c *segCtx) open(it *iter, term uint32) bool {
	s := c.s
	if s.post != nil {
		ti := s.post.find(term)
		if ti < 0 {
			return false
		}
		it.resetCompact(c.ix, s, ti)
		return true
	}
	ml := s.memList(term)
	if ml == nil || len(ml.ords) == 0 {
		return false
	}
	it.resetMem(c.ix, s, ml)
	return true
}

func (c *segCtx) run(s *segment) {
	c.s = s
	pl := c.pl
	n := len(pl.should)
	for _, ph := range pl.must {
		n += len(ph.terms)
	}
	for _, ph := range pl.mustNot {
		n += len(ph.terms)
	}
	if cap(c.store) < n {
		c.store = make([]iter, n)
	}
	store := c.store[:n]
	next := func() *iter {
		it := &store[0]
		store = store[1:]
		return it
	}

	c.should = c.should[:0]
	for i, st := range pl.should {
		it := next()
		if c.open(it, st.term) {
			it.w, it.slot = st.w, i
			c.should = append(c.should, it)
		}
	}

	c.req, c.posMust = c.req[:0], c.posMust[:0]
	var reqTerms []uint32
	for i := range pl.must {
		ph := &pl.must[i]
		for _, t := range ph.terms {
			if slices.Contains(reqTerms, t) {
				continue
			}
			reqTerms = append(reqTerms, t)
			it := next()
			if !c.open(it, t) {
				return // a required term is missing from this segment
			}
			c.req = append(c.req, it)
		}
		if len(ph.terms) > 1 {
			c.posMust = append(c.posMust, ph)
		}
	}

	c.not = c.not[:0]
clauses:
	for i := range pl.mustNot {
		ph := &pl.mustNot[i]
		nc := notClause{ph: ph}
		for j, t := range ph.terms {
			if slices.Contains(ph.terms[:j], t) {
				continue
			}
			it := next()
			if !c.open(it, t) {
				continue clauses // cannot match in this segment
			}
			nc.its = append(nc.its, it)
		}
		c.not = append(c.not, nc)
	}

	switch {
	case len(c.req) > 0:
		c.conjunction()
	case len(c.should) > 0:
		c.maxScore()
	}
}

// maxScore runs block-max MaxScore over the should terms. Terms are
// sorted by their best possible contribution; the longest prefix whose
// bounds sum below the threshold is non-essential: a document matching only
// those cannot enter the top k, so candidates come from the other,
// essential terms, and the non-essential ones are only probed, best first,
// while the candidate can still compete. The partition moves as the
// threshold rises. Block maxima refine both sides: runs of essential blocks
// whose bounds cannot lift a document over the threshold are skipped
// without decoding, and a candidate is dropped when the non-essential
// terms' current blocks cannot lift it.
func (c *segCtx) maxScore() {
	sc := &c.pl.sc
	s := c.s
	its := slices.Clone(c.should)
	for _, it := range its {
		it.tbound = it.termBound(sc)
	}
	slices.SortFunc(its, func(a, b *iter) int { return cmpFloat(a.tbound, b.tbound) })

	theta := c.h.pruneBelow()
	var ess, non []*iter
	nonSum := 0.0
	partition := func() {
		k, sum := 0, 0.0
		for k < len(its) && sum+its[k].tbound < theta {
			sum += its[k].tbound
			k++
		}
		non, ess, nonSum = its[:k], its[k:], sum
	}
	partition()
	for _, it := range ess {
		it.advance(0)
	}
	for len(ess) > 0 {
		d := noDoc
		for _, it := range ess {
			d = min(d, it.doc)
		}
		if d == noDoc {
			return
		}
		// Skip the blocks that cannot hold a competitive document.
		if !math.IsInf(theta, -1) {
			target := d
			for {
				upTo, bound := noDoc, nonSum
				for _, it := range ess {
					if l := it.shallow(target); l != noDoc {
						upTo = min(upTo, l)
						bound += it.blockBound(sc)
					}
				}
				if upTo == noDoc {
					return
				}
				if bound >= theta {
					break
				}
				target = upTo + 1
			}
			if target != d {
				d = noDoc
				for _, it := range ess {
					d = min(d, it.advance(target))
				}
				continue
			}
		}

		K := sc.k(s.wlen[d])
		score := 0.0
		for _, it := range ess {
			if it.doc == d {
				w := float64(it.curWtf())
				v := it.w * w / (w + K)
				c.touch(it.slot, v)
				score += v
				it.next()
			}
		}
		if score+nonSum >= theta && c.probe(non, d, K, score, theta) && c.consider(d) {
			if t := c.h.pruneBelow(); t > theta {
				theta = t
				partition()
			}
		}
		c.untouch()
	}
}

// probe adds the contributions of the non-essential terms to score while
// d can still reach theta, best terms first, and reports whether it can.
// Their current blocks' bounds are checked first: cheaper than decoding.
func (c *segCtx) probe(non []*iter, d uint32, K, score, theta float64) bool {
	if len(non) == 0 {
		return score >= theta
	}
	sc := &c.pl.sc
	rem := 0.0
	for _, it := range non {
		if it.shallow(d) != noDoc {
			rem += it.blockBound(sc)
		}
	}
	if score+rem < theta {
		return false
	}
	for j := len(non) - 1; j >= 0; j-- {
		it := non[j]
		if it.b >= it.bEnd {
			continue
		}
		rem -= it.bound
		if it.advance(d) == d {
			w := float64(it.curWtf())
			v := it.w * w / (w + K)
			c.touch(it.slot, v)
			score += v
		}
		if score+rem < theta {
			return false
		}
	}
	return score >= theta
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// conjunction walks the documents that hold every required term, led by
// the rarest, and scores them with the should terms.
func (c *segCtx) conjunction() {
	sc := &c.pl.sc
	s := c.s
	req := c.req
	slices.SortFunc(req, func(a, b *iter) int { return a.df - b.df })
	should := slices.Clone(c.should)
	boundSum := 0.0
	for _, it := range should {
		it.tbound = it.termBound(sc)
		boundSum += it.tbound
	}
	slices.SortFunc(should, func(a, b *iter) int { return cmpFloat(a.tbound, b.tbound) })
	lead := req[0]
	d := lead.advance(0)
	for d != noDoc {
		aligned := true
		for _, it := range req[1:] {
			if x := it.advance(d); x != d {
				if x == noDoc {
					return
				}
				d = lead.advance(x)
				aligned = false
				break
			}
		}
		if !aligned {
			continue
		}
		theta := c.h.pruneBelow()
		if boundSum < theta {
			return // nothing left in this segment can compete
		}
		if !s.isDead(d) {
			if c.probe(should, d, sc.k(s.wlen[d]), 0, theta) {
				c.consider(d)
			}
			c.untouch()
		}
		d = lead.next()
	}
}

func (c *segCtx) touch(slot int, v float64) {
	c.contrib[slot] = v
	c.touched = append(c.touched, slot)
}

func (c *segCtx) untouch() {
	for _, i := range c.touched {
		c.contrib[i] = 0
	}
	c.touched = c.touched[:0]
}

// consider offers document d, whose contributions are in contrib, to the
// heap; it reports whether d entered. The score sums the contributions in
// slot order, so a document scores the same whatever segment holds it and
// whatever order its terms were visited in.
func (c *segCtx) consider(d uint32) bool {
	slices.Sort(c.touched)
	score := 0.0
	for _, i := range c.touched {
		score += c.contrib[i]
	}
	id := c.s.ids[d]
	if !c.h.competitive(float32(score), id) || !c.accept(d) {
		return false
	}
	c.h.push(Hit{ID: id, Score: float32(score)})
	return true
}
