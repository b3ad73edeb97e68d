package lexical

import "sort"

// accept runs the checks that come after scoring, cheapest first: the
// document is live, holds no excluded term, passes the caller's filter, and
// its positions match the required phrases and none of the excluded ones.
// Candidates arrive in increasing ordinal, as the exclusion iterators need.
func (c *segCtx) accept(d uint32) bool {
	s := c.s
	if s.isDead(d) {
		return false
	}
	c.notPos = c.notPos[:0]
	for i := range c.not {
		nc := &c.not[i]
		all := true
		for _, it := range nc.its {
			if it.advance(d) != d {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if len(nc.ph.terms) == 1 {
			return false
		}
		c.notPos = append(c.notPos, nc.ph)
	}
	if f := c.pl.filter; f != nil && !f(s.ids[d]) {
		return false
	}
	if len(c.posMust) == 0 && len(c.notPos) == 0 {
		return true
	}
	c.toks = decodeRecord(s.record(d), c.toks[:0])
	for _, ph := range c.posMust {
		if !ph.matches(c.toks) {
			return false
		}
	}
	for _, ph := range c.notPos {
		if ph.matches(c.toks) {
			return false
		}
	}
	return true
}

// matches reports whether the phrase occurs in toks, a document's tokens
// in position order.
func (ph *phrase) matches(toks []posTerm) bool {
	t0 := ph.terms[0]
	for _, tk := range toks {
		if tk.term != t0 {
			continue
		}
		ok := true
		for j := 1; j < len(ph.terms); j++ {
			if !hasToken(toks, tk.pos+ph.offs[j], ph.terms[j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func hasToken(toks []posTerm, pos, term uint32) bool {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].pos >= pos })
	for ; i < len(toks) && toks[i].pos == pos; i++ {
		if toks[i].term == term {
			return true
		}
	}
	return false
}
