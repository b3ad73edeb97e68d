package lexical

import "bytes"

// noDoc is the ordinal of an exhausted iterator: larger than any ordinal.
const noDoc = ^uint32(0)

// iter walks one term's postings in one segment, block by block. shallow
// moves between blocks without decoding them, so windows of documents that
// cannot compete are skipped at the cost of a comparison per block.
type iter struct {
	seg *segment
	p   *postings // compact segment
	ml  *memList  // mutable or frozen segment: virtual blocks of 128

	ti          int    // compact: index of the term in p
	b0, b, bEnd int    // first, current and end block
	df          int    // postings of the term in this segment
	last        uint32 // last ordinal of block b
	loadedB     int    // block whose ordinals are in docs; -1 for none
	wtfB        int    // block whose weighted tfs are in wtf; -1 for none
	codeOff     int    // compact: offset of block's codes in its data
	n, i        int
	doc         uint32

	// scoring: contribution = w · wtf / (wtf + K(wlen))
	w      float64
	slot   int
	boundB int // block whose bound is in bound; -1 for none
	bound  float64
	tbound float64 // bound of the whole term
	wbound float64 // bound in the current window
	ix     *Index

	docs [blockSize]uint32
	wtf  [blockSize]float32
}

// reset points it at term index ti of a compact segment, or at a memList.
func (it *iter) resetCompact(ix *Index, s *segment, ti int) {
	p := s.post
	*it = iter{seg: s, p: p, ix: ix, ti: ti, b0: int(p.tblk[ti]), bEnd: int(p.tblk[ti+1]),
		df: int(p.tdf[ti]), loadedB: -1, wtfB: -1, boundB: -1}
	it.b = it.b0
	it.last = p.blast[it.b]
}

func (it *iter) resetMem(ix *Index, s *segment, ml *memList) {
	n := len(ml.ords)
	*it = iter{seg: s, ml: ml, ix: ix, bEnd: (n + blockSize - 1) / blockSize,
		df: n, loadedB: -1, wtfB: -1, boundB: -1}
	it.last = ml.ords[min(blockSize, n)-1]
}

func (it *iter) blockLast(b int) uint32 {
	if it.p != nil {
		return it.p.blast[b]
	}
	return it.ml.ords[min((b+1)*blockSize, len(it.ml.ords))-1]
}

// shallow moves to the first block whose last ordinal is ≥ target and
// returns that last ordinal, or noDoc when there is none. It decodes nothing.
func (it *iter) shallow(target uint32) uint32 {
	if it.b >= it.bEnd {
		return noDoc
	}
	if it.last >= target {
		return it.last
	}
	// Gallop from the next block, then binary search.
	lo, step := it.b+1, 1
	hi := lo
	for hi < it.bEnd && it.blockLast(hi) < target {
		lo = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, it.bEnd)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if it.blockLast(m) < target {
			lo = m + 1
		} else {
			hi = m
		}
	}
	it.b = lo
	if lo >= it.bEnd {
		it.doc = noDoc
		return noDoc
	}
	it.last = it.blockLast(lo)
	return it.last
}

// advance moves to the first posting with ordinal ≥ target and returns its
// ordinal, or noDoc.
func (it *iter) advance(target uint32) uint32 {
	if it.loadedB == it.b && it.doc >= target {
		return it.doc
	}
	if it.shallow(target) == noDoc {
		return noDoc
	}
	if it.loadedB != it.b {
		if !it.load() {
			return noDoc
		}
	}
	for it.docs[it.i] < target {
		it.i++
	}
	it.doc = it.docs[it.i]
	return it.doc
}

// next moves to the next posting and returns its ordinal, or noDoc.
func (it *iter) next() uint32 {
	it.i++
	if it.i < it.n {
		it.doc = it.docs[it.i]
		return it.doc
	}
	it.b++
	if it.b >= it.bEnd {
		it.doc = noDoc
		return noDoc
	}
	it.last = it.blockLast(it.b)
	if !it.load() {
		return noDoc
	}
	it.doc = it.docs[0]
	return it.doc
}

// load decodes the ordinals of block b and positions on its first posting.
// A malformed block (only possible from a damaged snapshot that still
// passed its checksum) ends the iteration.
func (it *iter) load() bool {
	b := it.b
	it.loadedB, it.i = b, 0
	if it.ml != nil {
		lo := b * blockSize
		hi := min(lo+blockSize, len(it.ml.ords))
		it.n = copy(it.docs[:], it.ml.ords[lo:hi])
		it.doc = it.docs[0]
		return true
	}
	p := it.p
	n := blockSize
	if b == it.bEnd-1 {
		n = it.df - (it.bEnd-1-it.b0)*blockSize
	}
	data := p.data[p.boff[b]:p.boff[b+1]]
	if n <= 0 || n > blockSize || len(data) == 0 {
		return it.fail()
	}
	w := uint(data[0] & 0x3f)
	k := -1
	if w <= 32 {
		k = readBits(data[1:], it.docs[:n-1], w)
	}
	if k < 0 {
		return it.fail()
	}
	prev := int64(-1)
	if b > it.b0 {
		prev = int64(p.blast[b-1])
	}
	for i := 0; i < n-1; i++ {
		prev += int64(it.docs[i]) + 1
		it.docs[i] = uint32(prev)
	}
	it.docs[n-1] = p.blast[b]
	if n > 1 && it.docs[n-2] >= it.docs[n-1] {
		return it.fail()
	}
	it.codeOff = 1 + k
	it.n = n
	it.doc = it.docs[0]
	return true
}

func (it *iter) fail() bool {
	it.b, it.n, it.doc = it.bEnd, 0, noDoc
	return false
}

// curWtf returns the weighted term frequency of the current posting.
func (it *iter) curWtf() float32 {
	if it.wtfB != it.loadedB {
		it.decodeWtf()
	}
	return it.wtf[it.i]
}

func (it *iter) decodeWtf() {
	it.wtfB = it.loadedB
	ix := it.ix
	n := it.n
	if it.ml != nil {
		lo := it.loadedB * blockSize
		for i, f := range it.ml.tf[lo : lo+n] {
			it.wtf[i] = ix.wtf(f)
		}
		return
	}
	p := it.p
	data := p.data[p.boff[it.loadedB]:p.boff[it.loadedB+1]]
	mode := data[0] & codesMode
	if mode == codesUniform && it.codeOff < len(data) && data[it.codeOff] != escapeCode {
		v := ix.wtfTable[data[it.codeOff]]
		for i := range n {
			it.wtf[i] = v
		}
		return
	}
	var idx [blockSize]uint32
	if mode == codesPalette && it.codeOff < len(data) {
		// Map each palette entry once, then every posting through it.
		q := it.codeOff
		np := int(data[q])
		if np >= 2 && np <= blockSize && q+1+np <= len(data) {
			pal := data[q+1 : q+1+np]
			if !bytes.Contains(pal, []byte{escapeCode}) && readBits(data[q+1+np:], idx[:n], bitWidth(uint32(np-1))) >= 0 {
				var vals [blockSize]float32 // indexes are < np ≤ blockSize
				for j, c := range pal {
					vals[j] = ix.wtfTable[c]
				}
				for i, x := range idx[:n] {
					it.wtf[i] = vals[x&(blockSize-1)]
				}
				return
			}
		}
	}
	var codes [blockSize]byte
	q := readCodes(data, it.codeOff, mode, codes[:n], idx[:])
	if q < 0 {
		clear(it.wtf[:n])
		return
	}
	for i, c := range codes[:n] {
		if c != escapeCode {
			it.wtf[i] = ix.wtfTable[c]
			continue
		}
		var f uint64
		f, q = uvarint(data, q)
		it.wtf[i] = ix.wtf(tfs(f))
	}
}

// blockBound returns the largest contribution any posting of the current
// block can make.
func (it *iter) blockBound(sc *scorer) float64 {
	if it.boundB == it.b {
		return it.bound
	}
	if it.b >= it.bEnd {
		return 0
	}
	it.boundB = it.b
	if it.ml != nil {
		it.bound = it.w * sc.tfNorm(it.ml.maxWtf, it.seg.minWlen)
		return it.bound
	}
	p := it.p
	it.bound = it.w * sc.maxTfNorm(p.imp[p.bimp[it.b]:p.bimp[it.b+1]])
	return it.bound
}

// firstBound returns a lower bound of the first ordinal of the current block.
func (it *iter) firstBound() uint32 {
	if it.ml != nil {
		return it.ml.ords[it.b*blockSize]
	}
	if it.b == it.b0 {
		return 0
	}
	return it.p.blast[it.b-1] + 1
}

// windowBound returns the largest contribution any posting of the blocks
// from the current one up to ordinal end can make.
func (it *iter) windowBound(sc *scorer, end uint32) float64 {
	m := it.blockBound(sc)
	if it.ml != nil {
		return m // one bound for the whole list
	}
	p := it.p
	for b := it.b + 1; b < it.bEnd && p.blast[b-1] < end; b++ {
		m = max(m, it.w*sc.maxTfNorm(p.imp[p.bimp[b]:p.bimp[b+1]]))
	}
	return m
}

// termBound returns the largest contribution any posting of the term can make.
func (it *iter) termBound(sc *scorer) float64 {
	if it.ml != nil {
		return it.w * sc.tfNorm(it.ml.maxWtf, it.seg.minWlen)
	}
	return it.w * sc.maxTfNorm(it.p.termImpacts(it.ti))
}
