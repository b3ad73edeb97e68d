package lexical

import (
	"math/bits"
	"slices"
	"sync"
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

	win    *window
	toks   []posTerm
	notPos []*phrase
	want   []uint32 // terms of the phrases to verify
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
	if !c.setup(s) {
		return
	}
	switch {
	case len(c.req) > 0:
		c.conjunction()
	case len(c.should) > 0:
		c.maxScore()
	}
}

// setup opens the plan's iterators on segment s. It reports false when a
// required term is missing from s, so nothing there can match; the should
// iterators are open even then.
func (c *segCtx) setup(s *segment) bool {
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
				return false
			}
			c.req = append(c.req, it)
		}
		if len(ph.terms) > 1 {
			c.posMust = append(c.posMust, ph)
		}
	}

	c.want = c.want[:0]
	for _, ph := range c.posMust {
		c.want = append(c.want, ph.terms...)
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
		if len(ph.terms) > 1 {
			c.want = append(c.want, ph.terms...)
		}
	}
	return true
}

// Scores are summed in fixed point: each term's contribution is rounded to
// a multiple of 2^-32 and the integers are added, which is exact, so a
// document's score does not depend on the order its terms were visited in,
// nor on which segment holds it. The rounding is far below float32
// resolution. Contributions are bounded (k1 ≤ 100, a term counted at most
// maxQtf times, at most MaxTerms terms), so sums cannot overflow.
const fixScale = 1 << 32

func fix(v float64) int64   { return int64(v * fixScale) }
func unfix(v int64) float64 { return float64(v) / fixScale }

// winSize is the number of ordinals scored together by maxScore.
const winSize = 4096

// nonEssential caps the bounds of the non-essential terms at this share of
// the threshold, not at the whole of it. Scoring a posting term at a time
// costs a fraction of probing a candidate, and the lower the non-essential
// bounds, the fewer candidates survive to be probed: on a million
// synthetic abstracts, 0.8 cut the median of long (sentence) queries by a
// fifth and left short ones unchanged.
const nonEssential = 0.8

// window holds the partial scores of one window of ordinals. Only the
// entries marked in seen are meaningful, and probeWindow clears seen as it
// goes, so a window is clean again after use.
type window struct {
	acc  [winSize]int64
	seen [winSize / 64]uint64
}

var windows = sync.Pool{New: func() any { return new(window) }}

// maxScore runs block-max MaxScore over the should terms, a window of
// winSize ordinals at a time. In each window every term's bound is the
// largest block bound among its blocks that overlap the window (zero when
// none does). Terms are sorted by that bound; the longest prefix whose
// bounds sum below the threshold (times nonEssential) is non-essential: a
// document matching only those cannot enter the top k. The essential terms
// are scored term at a time into the window's accumulators, which is far
// cheaper per posting than merging them document by document; then each
// document they matched that can still compete is probed for the
// non-essential terms, best first, while it can still reach the threshold.
// A window without essential terms is skipped without decoding anything.
func (c *segCtx) maxScore() {
	sc := &c.pl.sc
	s := c.s
	n := uint32(s.len())
	if c.win == nil {
		c.win = windows.Get().(*window)
	}
	its := slices.Clone(c.should)
	for start := uint32(0); start < n; {
		end := start + winSize - 1
		theta := c.h.pruneBelow()
		next := noDoc // where the next window with postings can start
		live := its[:0]
		for _, it := range its {
			if it.shallow(start) == noDoc {
				continue
			}
			live = append(live, it)
			first := it.firstBound()
			next = min(next, max(first, start))
			if first > end {
				it.wbound = 0
				continue
			}
			it.wbound = it.windowBound(sc, end)
		}
		its = live
		if len(its) == 0 {
			return
		}
		if next > end {
			start = next // no term has a posting in this window
			continue
		}
		slices.SortFunc(its, func(a, b *iter) int { return cmpFloat(a.wbound, b.wbound) })
		k, nonSum := 0, 0.0
		for k < len(its) && nonSum+its[k].wbound < theta*nonEssential {
			nonSum += its[k].wbound
			k++
		}
		non, ess := its[:k], its[k:]
		if len(ess) > 0 {
			c.scoreWindow(ess, start, end, theta-nonSum)
			c.probeWindow(non, nonSum, start)
		}
		start = end + 1
	}
}

// scoreWindow adds the contributions of the essential terms to the
// window's accumulators, walking each decoded block directly. A document
// needs at least need from the essential terms to compete, so a posting
// whose contribution, even in the shortest document, falls below need minus
// the other essential terms' bounds is skipped: with a single essential
// term (common-word queries) that is most of them, and the test is one
// comparison of its weighted tf.
func (c *segCtx) scoreWindow(ess []*iter, start, end uint32, need float64) {
	sc := &c.pl.sc
	wlen := c.s.wlen
	w := c.win
	essSum := 0.0
	for _, it := range ess {
		essSum += it.wbound
	}
	kMin := sc.k(c.s.minWlen)
	for _, it := range ess {
		if it.advance(start) > end {
			continue
		}
		// contribution ≤ it.w·wtf/(wtf+kMin) < cut ⇔ wtf < cut·kMin/(it.w−cut)
		minWtf := float32(0)
		if cut := need - (essSum - it.wbound); cut > 0 {
			if cut >= it.w {
				continue // no posting of this term can lift a document
			}
			minWtf = float32(cut * kMin / (it.w - cut) * (1 - 1e-6))
		}
		for {
			if it.wtfB != it.loadedB {
				it.decodeWtf()
			}
			i, n := it.i, it.n
			docs, wtfs := it.docs[:n], it.wtf[:n]
			for ; i < n && docs[i] <= end; i++ {
				if wtfs[i] < minWtf {
					continue
				}
				d := docs[i]
				o := d - start
				wtf := float64(wtfs[i])
				v := fix(it.w * wtf / (wtf + sc.k1b0 + sc.k1bAvg*float64(wlen[d])))
				bit := uint64(1) << (o & 63)
				if w.seen[o>>6]&bit == 0 {
					w.seen[o>>6] |= bit
					w.acc[o] = v
				} else {
					w.acc[o] += v
				}
			}
			if i < n {
				it.i, it.doc = i, docs[i]
				break
			}
			it.i = n - 1
			if it.next() == noDoc {
				break
			}
		}
	}
}

// probeWindow completes the scores of the window's matched documents that
// can still compete, in ordinal order, and offers them to the heap.
func (c *segCtx) probeWindow(non []*iter, nonSum float64, start uint32) {
	sc := &c.pl.sc
	wlen := c.s.wlen
	w := c.win
	theta := c.h.pruneBelow()
	for wi, word := range w.seen {
		if word == 0 {
			continue
		}
		w.seen[wi] = 0
		for word != 0 {
			o := uint32(wi<<6 + bits.TrailingZeros64(word))
			word &= word - 1
			acc := w.acc[o]
			score := unfix(acc)
			if score+nonSum < theta {
				continue
			}
			d := start + o
			rem := nonSum
			K := sc.k(wlen[d])
			for j := len(non) - 1; j >= 0 && score+rem >= theta; j-- {
				it := non[j]
				rem -= it.wbound
				if it.wbound > 0 && it.advance(d) == d {
					wtf := float64(it.curWtf())
					acc += fix(it.w * wtf / (wtf + K))
					score = unfix(acc)
				}
			}
			if score >= theta && c.consider(d, acc) {
				theta = c.h.pruneBelow()
			}
		}
	}
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
// the rarest, and scores them with the should terms, best first, while
// they can still reach the threshold (block bounds checked first).
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
	slices.SortFunc(should, func(a, b *iter) int { return cmpFloat(b.tbound, a.tbound) })
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
			if acc, ok := c.scoreAt(should, d, theta); ok {
				c.consider(d, acc)
			}
		}
		d = lead.next()
	}
}

// scoreAt scores document d with its (should) terms, sorted best first,
// and reports whether it can reach theta.
func (c *segCtx) scoreAt(its []*iter, d uint32, theta float64) (int64, bool) {
	if len(its) == 0 {
		return 0, 0 >= theta
	}
	sc := &c.pl.sc
	rem := 0.0
	for _, it := range its {
		if it.shallow(d) != noDoc {
			rem += it.blockBound(sc)
		}
	}
	if rem < theta {
		return 0, false
	}
	K := sc.k(c.s.wlen[d])
	var acc int64
	score := 0.0
	for _, it := range its {
		if it.b >= it.bEnd {
			continue
		}
		rem -= it.bound
		if it.advance(d) == d {
			wtf := float64(it.curWtf())
			acc += fix(it.w * wtf / (wtf + K))
			score = unfix(acc)
		}
		if score+rem < theta {
			return 0, false
		}
	}
	return acc, score >= theta
}

// consider offers document d with score acc (fixed point) to the heap and
// reports whether it entered.
func (c *segCtx) consider(d uint32, acc int64) bool {
	score := float32(unfix(acc))
	id := c.s.ids[d]
	if !c.h.competitive(score, id) || !c.accept(d) {
		return false
	}
	c.h.push(Hit{ID: id, Score: score})
	return true
}
