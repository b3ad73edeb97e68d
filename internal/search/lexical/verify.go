package lexical

import (
	"bytes"
	"encoding/binary"
	"sort"
)

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
	rec := s.record(d)
	for _, ph := range c.posMust {
		if !ph.mayMatch(rec) {
			return false
		}
	}
	notPos := c.notPos[:0]
	for _, ph := range c.notPos {
		if ph.mayMatch(rec) {
			notPos = append(notPos, ph)
		}
	}
	c.notPos = notPos
	if len(c.posMust) == 0 && len(c.notPos) == 0 {
		return true
	}
	c.toks = scanRecord(rec, c.want, c.toks[:0])
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

// A phrase's pattern lets most documents without it be rejected without
// decoding their record. Two phrase terms at consecutive positions are
// consecutive entries of the record (no token lies between them, and no two
// tokens share a position), so the record must contain the first one's
// entry directly followed by the second one's entry with a gap of one:
// either pat0 (the first with a gap of one too) or pat1a, a gap varint,
// then pat1b. A byte search finds these at memory speed; a hit inside
// other entries is only a false positive, settled by the full check.
func (ph *phrase) setPattern(df func(uint32) int32) {
	best := -1
	for j := 0; j+1 < len(ph.terms); j++ {
		if ph.offs[j+1]-ph.offs[j] == 1 && (best < 0 || df(ph.terms[j+1]) < df(ph.terms[best+1])) {
			best = j
		}
	}
	if best < 0 {
		return
	}
	a, b := uint64(ph.terms[best]), uint64(ph.terms[best+1])
	ph.pat1b = binary.AppendUvarint(nil, b<<1)
	ph.pat0 = append(binary.AppendUvarint(nil, a<<1), ph.pat1b...)
	ph.pat1a = binary.AppendUvarint(nil, a<<1|1)
}

// mayMatch reports whether rec may hold the phrase: false only when it
// certainly does not.
func (ph *phrase) mayMatch(rec []byte) bool {
	if ph.pat0 == nil {
		return true
	}
	if bytes.Contains(rec, ph.pat0) {
		return true
	}
	for r := rec; ; {
		i := bytes.Index(r, ph.pat1a)
		if i < 0 {
			return false
		}
		r = r[i+len(ph.pat1a):]
		_, n := binary.Uvarint(r)
		if n <= 0 {
			return true // malformed: let the full check decide
		}
		if bytes.HasPrefix(r[n:], ph.pat1b) {
			return true
		}
	}
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
