package lexical

import (
	"encoding/binary"
	"slices"
)

// blockSize is the number of postings per block.
const blockSize = 128

// maxImpacts bounds the number of impacts kept per block and per term.
const maxImpacts = 4

// An impact is a (weighted tf, weighted length) pair of some posting. A
// block keeps the Pareto set of its postings' pairs: BM25 grows with the
// first and falls with the second, so the block's best score under any k1,
// b and average length is the best score of one of these pairs. When the
// set is larger than maxImpacts, neighbours are merged into the pair of the
// larger tf and the smaller length, which keeps the bound an upper bound.
type impact struct {
	wtf  float32
	wlen float32
}

// postings are the postings of a compact segment. Term i (terms sorted by
// id) owns blocks [tblk[i], tblk[i+1]). Block b's data is
// data[boff[b]:boff[b+1]]:
//
//	byte     w | u<<7: w = bit width of the doc gaps, u = 1 if all codes are equal
//	w bits × (n−1)  gaps − 1 between consecutive ordinals, the first counted
//	                from the previous block's last ordinal (or from −1); the
//	                block's last ordinal is blast[b], so it is not stored
//	codes    n bytes (u = 0) or one byte (u = 1): byteCode of each posting
//	varints  the packed tfs of each posting whose code is escapeCode
//
// where n is 128 except in a term's last block.
type postings struct {
	terms []uint32
	tdf   []uint32 // postings per term, dead ones included
	tblk  []uint32 // + sentinel
	timp  []uint32 // term-level impacts are timp[i]:timp[i+1] of tImp (empty: use the single block's)
	tImp  []impact
	blast []uint32
	boff  []uint64 // + sentinel
	bimp  []uint32 // + sentinel; block b's impacts are imp[bimp[b]:bimp[b+1]]
	imp   []impact
	data  []byte
}

// find returns the index of term, or -1.
func (p *postings) find(term uint32) int {
	i, ok := slices.BinarySearch(p.terms, term)
	if !ok {
		return -1
	}
	return i
}

func (p *postings) termImpacts(i int) []impact {
	if p.timp[i] == p.timp[i+1] {
		b := p.tblk[i]
		return p.imp[p.bimp[b]:p.bimp[b+1]]
	}
	return p.tImp[p.timp[i]:p.timp[i+1]]
}

func (p *postings) memoryBytes() int64 {
	return int64(cap(p.terms)+cap(p.tdf)+cap(p.tblk)+cap(p.timp)+cap(p.blast)+cap(p.bimp))*4 +
		int64(cap(p.boff))*8 + int64(cap(p.tImp)+cap(p.imp))*8 + int64(cap(p.data))
}

// postingsBuilder writes postings term by term, in increasing term id, each
// term's postings in increasing ordinal.
type postingsBuilder struct {
	p        *postings
	wlen     []float32 // weighted lengths of the segment being built
	wtf      func(tfs) float32
	term     uint32
	n        int // postings of the current term so far
	prevLast int64
	ords     []uint32
	tf       []tfs
	termImp  []impact
	blockImp []impact
	gaps     []uint32
}

func newPostingsBuilder(wlen []float32, wtf func(tfs) float32) *postingsBuilder {
	return &postingsBuilder{
		p:    &postings{tblk: []uint32{}, timp: []uint32{0}},
		wlen: wlen,
		wtf:  wtf,
		ords: make([]uint32, 0, blockSize),
		tf:   make([]tfs, 0, blockSize),
		gaps: make([]uint32, blockSize),
	}
}

func (b *postingsBuilder) begin(term uint32) {
	b.term, b.n, b.prevLast = term, 0, -1
	b.termImp = b.termImp[:0]
	b.p.tblk = append(b.p.tblk, uint32(len(b.p.blast)))
}

func (b *postingsBuilder) add(ord uint32, f tfs) {
	b.ords = append(b.ords, ord)
	b.tf = append(b.tf, f)
	b.n++
	if len(b.ords) == blockSize {
		b.flushBlock()
	}
}

// end finishes the current term; a term without postings is dropped.
func (b *postingsBuilder) end() {
	if len(b.ords) > 0 {
		b.flushBlock()
	}
	p := b.p
	if b.n == 0 {
		p.tblk = p.tblk[:len(p.tblk)-1]
		return
	}
	p.terms = append(p.terms, b.term)
	p.tdf = append(p.tdf, uint32(b.n))
	if int(p.tblk[len(p.tblk)-1])+1 < len(p.blast) { // more than one block
		p.tImp = append(p.tImp, reduceImpacts(b.termImp)...)
	}
	p.timp = append(p.timp, uint32(len(p.tImp)))
}

func (b *postingsBuilder) flushBlock() {
	p := b.p
	n := len(b.ords)
	// gaps
	var maxGap uint32
	prev := b.prevLast
	for i := 0; i < n-1; i++ {
		g := uint32(int64(b.ords[i]) - prev - 1)
		b.gaps[i] = g
		maxGap = max(maxGap, g)
		prev = int64(b.ords[i])
	}
	w := bitWidth(maxGap)
	uniform := true
	first, _ := byteCode(b.tf[0])
	for _, f := range b.tf[1:] {
		if c, _ := byteCode(f); c != first {
			uniform = false
			break
		}
	}
	p.boff = append(p.boff, uint64(len(p.data)))
	head := byte(w)
	if uniform {
		head |= 0x80
	}
	p.data = append(p.data, head)
	p.data = appendBits(p.data, b.gaps[:n-1], w)
	if uniform {
		p.data = append(p.data, first)
	} else {
		for _, f := range b.tf {
			c, _ := byteCode(f)
			p.data = append(p.data, c)
		}
	}
	for _, f := range b.tf {
		if _, ok := byteCode(f); !ok {
			p.data = binary.AppendUvarint(p.data, uint64(f))
		}
	}
	// impacts
	b.blockImp = b.blockImp[:0]
	for i, f := range b.tf {
		b.blockImp = addImpact(b.blockImp, impact{b.wtf(f), b.wlen[b.ords[i]]})
	}
	b.blockImp = reduceImpacts(b.blockImp)
	p.bimp = append(p.bimp, uint32(len(p.imp)))
	p.imp = append(p.imp, b.blockImp...)
	for _, im := range b.blockImp {
		b.termImp = addImpact(b.termImp, im)
	}
	p.blast = append(p.blast, b.ords[n-1])
	b.prevLast = int64(b.ords[n-1])
	b.ords, b.tf = b.ords[:0], b.tf[:0]
}

// finish returns the postings, adding the sentinels.
func (b *postingsBuilder) finish() *postings {
	p := b.p
	p.tblk = append(p.tblk, uint32(len(p.blast)))
	p.boff = append(p.boff, uint64(len(p.data)))
	p.bimp = append(p.bimp, uint32(len(p.imp)))
	return p
}

// addImpact adds im to the Pareto set set (no member has both a larger or
// equal tf and a smaller or equal length than another).
func addImpact(set []impact, im impact) []impact {
	for _, s := range set {
		if s.wtf >= im.wtf && s.wlen <= im.wlen {
			return set // dominated
		}
	}
	out := set[:0]
	for _, s := range set {
		if !(im.wtf >= s.wtf && im.wlen <= s.wlen) {
			out = append(out, s)
		}
	}
	return append(out, im)
}

// reduceImpacts sorts a Pareto set by tf and, when it is larger than
// maxImpacts, merges neighbours so that it is not. Each merged pair takes
// the largest tf and the smallest length of its group, so it still bounds
// every posting of the group from above.
func reduceImpacts(set []impact) []impact {
	slices.SortFunc(set, func(a, b impact) int {
		switch {
		case a.wtf < b.wtf:
			return -1
		case a.wtf > b.wtf:
			return 1
		}
		return 0
	})
	if len(set) <= maxImpacts {
		return set
	}
	// In a Pareto set sorted by tf, lengths increase too; group i spans
	// [lo, hi) and becomes (tf of hi−1, length of lo).
	out := make([]impact, 0, maxImpacts)
	n := len(set)
	for g := 0; g < maxImpacts; g++ {
		lo, hi := g*n/maxImpacts, (g+1)*n/maxImpacts
		out = append(out, impact{wtf: set[hi-1].wtf, wlen: set[lo].wlen})
	}
	return append(set[:0], out...)
}
