package lexical

// buildSegment writes the documents of inputs (frozen or compact segments,
// which nobody else modifies apart from their dead bits) into one new
// compact segment, in input order. Unless keepDead is set, documents
// already dead are dropped; remaps[k][ord] is the new ordinal of input k's
// ordinal ord, or noDoc. It runs without the index lock except to copy the
// dead bits. The result has no serial yet.
func (ix *Index) buildSegment(inputs []*segment, keepDead bool) (*segment, [][]uint32) {
	ix.mu.RLock()
	deads := make([][]uint64, len(inputs))
	for k, in := range inputs {
		deads[k] = in.deadCopy()
	}
	ix.mu.RUnlock()
	return ix.buildFrom(inputs, deads, keepDead)
}

// buildFrom is buildSegment with the dead bits given.
func (ix *Index) buildFrom(inputs []*segment, deads [][]uint64, keepDead bool) (*segment, [][]uint32) {
	isDead := func(k int, ord int) bool { return deads[k][ord>>6]&(1<<(ord&63)) != 0 }

	// Documents.
	n, fwdLen := 0, 0
	for k, in := range inputs {
		for ord := range in.len() {
			if keepDead || !isDead(k, ord) {
				n++
				fwdLen += len(in.record(uint32(ord)))
			}
		}
	}
	out := &segment{
		ids:    make([]uint32, 0, n),
		wlen:   make([]float32, 0, n),
		fwdOff: make([]uint64, 1, n+1),
		fwd:    make([]byte, 0, fwdLen),
		dead:   make([]uint64, (n+63)/64),
	}
	remaps := make([][]uint32, len(inputs))
	for k, in := range inputs {
		rm := make([]uint32, in.len())
		for ord := range in.len() {
			dead := isDead(k, ord)
			if dead && !keepDead {
				rm[ord] = noDoc
				continue
			}
			nord := uint32(len(out.ids))
			rm[ord] = nord
			if dead {
				out.markDead(nord)
			}
			if nord == 0 || in.wlen[ord] < out.minWlen {
				out.minWlen = in.wlen[ord]
			}
			out.ids = append(out.ids, in.ids[ord])
			out.wlen = append(out.wlen, in.wlen[ord])
			out.fwd = append(out.fwd, in.record(uint32(ord))...)
			out.fwdOff = append(out.fwdOff, uint64(len(out.fwd)))
		}
		remaps[k] = rm
	}

	// Postings: a k-way merge of the inputs' term lists.
	lists := make([][]uint32, len(inputs))
	estimate := 0
	for k, in := range inputs {
		if in.post != nil {
			lists[k] = in.post.terms
			estimate += len(in.post.data)
		} else {
			lists[k] = in.memTerms()
			for _, ml := range in.lists {
				estimate += 2 * len(ml.ords)
			}
		}
	}
	pb := newPostingsBuilder(out.wlen, ix.wtf)
	pb.p.data = make([]byte, 0, estimate+estimate/8+64)
	cur := make([]int, len(inputs))
	var it iter
	tf := make([]tfs, blockSize)
	for {
		term := noDoc
		for k, l := range lists {
			if cur[k] < len(l) {
				term = min(term, l[cur[k]])
			}
		}
		if term == noDoc { // no list has terms left; no term id is noDoc
			break
		}
		pb.begin(term)
		for k, in := range inputs {
			l := lists[k]
			if cur[k] >= len(l) || l[cur[k]] != term {
				continue
			}
			rm := remaps[k]
			if in.post != nil {
				it.resetCompact(ix, in, cur[k])
				for it.b < it.bEnd && it.load() {
					decodeTfs(&it, tf)
					for i := range it.n {
						if nord := rm[it.docs[i]]; nord != noDoc {
							pb.add(nord, tf[i])
						}
					}
					it.b++
				}
			} else {
				ml := in.memList(term)
				for i, ord := range ml.ords {
					if nord := rm[ord]; nord != noDoc {
						pb.add(nord, ml.tf[i])
					}
				}
			}
			cur[k]++
		}
		pb.end()
	}
	out.post = pb.finish()
	out.post.shrink()
	return out, remaps
}

// decodeTfs decodes the per-field frequencies of it's loaded block.
func decodeTfs(it *iter, out []tfs) {
	p := it.p
	data := p.data[p.boff[it.loadedB]:p.boff[it.loadedB+1]]
	n := it.n
	var codes [blockSize]byte
	var idx [blockSize]uint32
	q := readCodes(data, it.codeOff, data[0]&codesMode, codes[:n], idx[:])
	if q < 0 {
		clear(out[:n])
		return
	}
	for i, c := range codes[:n] {
		if c != escapeCode {
			out[i] = unpackByteCode(c)
			continue
		}
		var f uint64
		f, q = uvarint(data, q)
		out[i] = tfs(f)
	}
}

// shrink trims the spare capacity that building left behind.
func (p *postings) shrink() {
	p.data = clip(p.data)
	p.terms, p.tdf, p.tblk, p.timp = clip(p.terms), clip(p.tdf), clip(p.tblk), clip(p.timp)
	p.blast, p.bimp, p.boff = clip(p.blast), clip(p.bimp), clip(p.boff)
	p.imp, p.tImp = clip(p.imp), clip(p.tImp)
}

// clip returns s in a fresh array of its length when it wastes more than
// an eighth of its capacity.
func clip[T any](s []T) []T {
	if cap(s)-len(s) <= len(s)/8 {
		return s
	}
	return append(make([]T, 0, len(s)), s...)
}
