package lexical

import (
	"slices"
	"sync"

	"quire/internal/search/analyze"
)

// Positions: fields are laid out one after another in one position space,
// with gaps so that no phrase spans two fields or two author names. The
// exact author-name terms come last, in their own stretch.
const (
	fieldGap  = 64
	authorGap = 8
	maxPos    = 1 << 30 // tokens beyond are ignored
)

const (
	fieldTitle = iota
	fieldAbstract
	fieldAuthors
	fieldNone // exact author-name terms: positions only, not scored
)

// docBuf is the scratch space of analysing one document.
type docBuf struct {
	toks    []analyze.Token
	raw     []rawTok   // every token of every field, in position order
	ids     []uint32   // term id of raw[i]
	ok      []bool     // whether raw[i] has a term id
	keys    []uint32   // open-addressing table: term id → index in terms
	vals    []int32    //
	terms   []uint32   // distinct term ids
	cnt     [][3]int32 // their per-field frequencies
	rec     []byte
	maxTerm uint32 // largest id in terms
	uniq    []posTerm
	lens    [3]int
}

type rawTok struct {
	term  string
	pos   uint32
	field uint8
}

var docBufs = sync.Pool{New: func() any { return new(docBuf) }}

// analyse fills b.raw with the tokens of d and b.lens with the field lengths.
func (ix *Index) analyse(d Doc, b *docBuf) {
	b.raw, b.lens = b.raw[:0], [3]int{}
	base := uint32(0)
	text := func(s string, field uint8, gap uint32) {
		b.toks = ix.an.Tokens(s, b.toks[:0])
		end := base
		for _, t := range b.toks {
			p := uint64(base) + uint64(t.Pos)
			if t.Pos < 0 || p >= maxPos {
				break
			}
			b.raw = append(b.raw, rawTok{term: t.Term, pos: uint32(p), field: field})
			b.lens[field]++
			end = uint32(p) + 1
		}
		base = min(end+gap, maxPos)
	}
	text(d.Title, fieldTitle, fieldGap)
	text(d.Abstract, fieldAbstract, fieldGap)
	for _, name := range d.Authors {
		text(name, fieldAuthors, authorGap)
	}
	base = min(base+fieldGap, maxPos)
	for _, name := range d.Authors {
		words := NameWords(name)
		for j, w := range words {
			p := uint64(base) + uint64(j)
			if p >= maxPos {
				break
			}
			b.raw = append(b.raw, rawTok{term: authorPrefix + w, pos: uint32(p), field: fieldNone})
		}
		base = uint32(min(uint64(base)+uint64(len(words))+authorGap, maxPos))
	}
	byPos := func(x, y rawTok) int { return int(x.pos) - int(y.pos) }
	if !slices.IsSortedFunc(b.raw, byPos) {
		slices.SortStableFunc(b.raw, byPos)
	}
}

// collect groups the interned tokens by term: b.terms, b.cnt, and the
// forward record b.rec.
func (b *docBuf) collect() {
	n := 64
	for n < 2*len(b.raw) {
		n *= 2
	}
	if cap(b.keys) < n {
		b.keys, b.vals = make([]uint32, n), make([]int32, n)
	}
	b.keys, b.vals = b.keys[:n], b.vals[:n]
	for i := range b.keys {
		b.keys[i] = noDoc
	}
	mask := uint32(n - 1)
	b.terms, b.cnt, b.rec, b.maxTerm = b.terms[:0], b.cnt[:0], b.rec[:0], 0
	prev := int64(-1)
	for i, t := range b.raw {
		if !b.ok[i] {
			continue
		}
		id := b.ids[i]
		h := (id * 0x9e3779b1) & mask
		for b.keys[h] != noDoc && b.keys[h] != id {
			h = (h + 1) & mask
		}
		if b.keys[h] == noDoc {
			b.keys[h] = id
			b.vals[h] = int32(len(b.terms))
			b.terms = append(b.terms, id)
			b.cnt = append(b.cnt, [3]int32{})
			b.maxTerm = max(b.maxTerm, id)
		}
		if t.field < fieldNone {
			b.cnt[b.vals[h]][t.field]++
		}
		b.rec = appendToken(b.rec, id, uint32(int64(t.pos)-prev))
		prev = int64(t.pos)
	}
}

// Add indexes d under id, replacing the document id had, if any. Text is
// analysed and terms are interned before the index is locked, so
// concurrent Adds do that in parallel and searches wait only for the final
// append.
func (ix *Index) Add(id uint32, d Doc) {
	b := docBufs.Get().(*docBuf)
	defer docBufs.Put(b)
	ix.analyse(d, b)
	n := len(b.raw)
	b.ids = slices.Grow(b.ids[:0], n)[:n]
	b.ok = slices.Grow(b.ok[:0], n)[:n]
	p := &ix.p
	wlen := float32(p.TitleWeight*float64(b.lens[fieldTitle]) +
		p.AbstractWeight*float64(b.lens[fieldAbstract]) +
		p.AuthorsWeight*float64(b.lens[fieldAuthors]))
	for {
		gen := ix.voc.intern(b.raw, b.ids, b.ok)
		b.collect()
		ix.mu.Lock()
		if ix.voc.gen == gen {
			break
		}
		// A snapshot was loaded meanwhile: the term ids are stale.
		ix.mu.Unlock()
	}
	if old := ix.loc.get(id); old.serial != 0 {
		ix.deleteLocked(id, old, b)
	}
	s := ix.mem
	ord := uint32(len(s.ids))
	s.ids = append(s.ids, id)
	s.wlen = append(s.wlen, wlen)
	s.fwd = append(s.fwd, b.rec...)
	s.fwdOff = append(s.fwdOff, uint64(len(s.fwd)))
	if ord == 0 || wlen < s.minWlen {
		s.minWlen = wlen
	}
	if m := int(b.maxTerm) + 1; m > len(ix.df) {
		ix.df = append(ix.df, make([]int32, m-len(ix.df))...)
	}
	for i, tid := range b.terms {
		c := b.cnt[i]
		f := makeTfs(int(c[fieldTitle]), int(c[fieldAbstract]), int(c[fieldAuthors]))
		s.addPosting(tid, ord, f, ix.wtf(f))
		ix.df[tid]++
	}
	ix.live++
	ix.totalWlen += float64(wlen)
	ix.loc.set(id, loc{serial: s.serial, ord: ord})
	frozen := len(s.ids) >= ix.memMax
	if frozen {
		ix.freezeLocked()
	}
	ix.mu.Unlock()
	if frozen {
		ix.kick()
		ix.waitBacklog()
	}
}

// Delete removes the document id; unknown ids are ignored.
func (ix *Index) Delete(id uint32) {
	b := docBufs.Get().(*docBuf)
	defer docBufs.Put(b)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old := ix.loc.get(id); old.serial != 0 {
		ix.deleteLocked(id, old, b)
	}
}

// deleteLocked marks id's copy at l dead and takes it out of the
// statistics, reading its terms from its forward record. The caller holds mu.
func (ix *Index) deleteLocked(id uint32, l loc, b *docBuf) {
	s := ix.bySerial[l.serial]
	ix.loc.set(id, loc{})
	if s == nil || s.isDead(l.ord) {
		return
	}
	s.markDead(l.ord)
	ix.live--
	ix.totalWlen -= float64(s.wlen[l.ord])
	if ix.live == 0 {
		ix.totalWlen = 0
	}
	b.uniq = decodeRecord(s.record(l.ord), b.uniq[:0])
	slices.SortFunc(b.uniq, func(x, y posTerm) int { return int(x.term) - int(y.term) })
	for i, t := range b.uniq {
		if i > 0 && b.uniq[i-1].term == t.term {
			continue
		}
		if int(t.term) < len(ix.df) {
			ix.df[t.term]--
		}
	}
}

// freezeLocked hands the mutable segment to the background compaction and
// starts a new one. The caller holds mu.
func (ix *Index) freezeLocked() {
	if len(ix.mem.ids) == 0 {
		return
	}
	ix.mem.frozen = true
	ix.segs = append(ix.segs, ix.mem)
	ix.mem = ix.newMemSegment()
}
