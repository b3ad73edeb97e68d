package lexical

import (
	"encoding/binary"
	"slices"
)

// blockSize is the number of postings per block.
const blockSize = 128

// maxImpacts bounds the number of impacts kept per block and per term.
const maxImpacts = 4

// Block code modes (the high bits of a block's first byte).
const (
	codesRaw     = 0 << 6
	codesUniform = 1 << 6
	codesPalette = 2 << 6
	codesMode    = 3 << 6
)

// readCodes decodes the n codes of a block whose codes start at data[q]
// into out and returns the offset of its exception varints, or -1 when the
// block is malformed.
func readCodes(data []byte, q int, mode byte, out []byte, idx []uint32) int {
	n := len(out)
	switch mode {
	case codesUniform:
		if q >= len(data) {
			return -1
		}
		c := data[q]
		for i := range out {
			out[i] = c
		}
		return q + 1
	case codesPalette:
		if q >= len(data) {
			return -1
		}
		np := int(data[q])
		q++
		if np < 2 || q+np > len(data) {
			return -1
		}
		pal := data[q : q+np]
		q += np
		k := readBits(data[q:], idx[:n], bitWidth(uint32(np-1)))
		if k < 0 {
			return -1
		}
		for i, x := range idx[:n] {
			if int(x) >= np {
				return -1
			}
			out[i] = pal[x]
		}
		return q + k
	case codesRaw:
		if q+n > len(data) {
			return -1
		}
		copy(out, data[q:q+n])
		return q + n
	}
	return -1
}

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
//	byte     w | mode: w (low 6 bits) = bit width of the doc gaps
//	w bits × (n−1)  gaps − 1 between consecutive ordinals, the first counted
//	                from the previous block's last ordinal (or from −1); the
//	                block's last ordinal is blast[b], so it is not stored
//	codes    the byteCode of each posting, by mode:
//	           codesRaw      n bytes
//	           codesUniform  one byte, the code of every posting
//	           codesPalette  byte np, np distinct codes, then n indexes
//	                         into them of bitWidth(np−1) bits each
//	varints  the packed tfs of each posting whose code is escapeCode
//
// where n is 128 except in a term's last block. A block of a common term
// holds a handful of distinct codes, so the palette takes 2 to 3 bits a
// posting instead of 8.
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
	codes    []uint32 // palette index of each posting of the block
	palette  []byte
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
	// codes and their palette
	var slot [256]byte // index+1 of each code in palette
	b.codes, b.palette = b.codes[:0], b.palette[:0]
	for _, f := range b.tf {
		c, _ := byteCode(f)
		if slot[c] == 0 {
			b.palette = append(b.palette, c)
			slot[c] = byte(len(b.palette))
		}
		b.codes = append(b.codes, uint32(slot[c]-1))
	}
	mode := byte(codesRaw)
	pw := bitWidth(uint32(len(b.palette) - 1))
	switch {
	case len(b.palette) == 1:
		mode = codesUniform
	case 1+len(b.palette)+(n*int(pw)+7)/8 < n:
		mode = codesPalette
	}
	p.boff = append(p.boff, uint64(len(p.data)))
	p.data = append(p.data, byte(w)|mode)
	p.data = appendBits(p.data, b.gaps[:n-1], w)
	switch mode {
	case codesUniform:
		p.data = append(p.data, b.palette[0])
	case codesPalette:
		p.data = append(p.data, byte(len(b.palette)))
		p.data = append(p.data, b.palette...)
		p.data = appendBits(p.data, b.codes, pw)
	default:
		for _, i := range b.codes {
			p.data = append(p.data, b.palette[i])
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
