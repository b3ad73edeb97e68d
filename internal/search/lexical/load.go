package lexical

import (
	"math"
	"math/bits"
	"slices"
)

// validSorted checks the stored vocabulary order refers to known terms.
func validSorted(sorted []uint32, nterms int) bool {
	if len(sorted) > nterms {
		return false
	}
	for _, id := range sorted {
		if int(id) >= nterms {
			return false
		}
	}
	return true
}

// validSegment checks every offset and count a search relies on, so that a
// snapshot damaged in a way its checksum cannot see (written by a faulty
// build, say) is rejected instead of making a search fail.
func validSegment(s *segment, nterms int) bool {
	n := len(s.ids)
	if len(s.wlen) != n || len(s.dead) != (n+63)/64 || len(s.fwdOff) != n+1 ||
		s.fwdOff[0] != 0 || s.fwdOff[n] != uint64(len(s.fwd)) {
		return false
	}
	for i := range n {
		if s.fwdOff[i] > s.fwdOff[i+1] || !finite(s.wlen[i]) {
			return false
		}
	}
	p := s.post
	nt, nb := len(p.terms), len(p.blast)
	if len(p.tdf) != nt || len(p.tblk) != nt+1 || len(p.timp) != nt+1 ||
		len(p.boff) != nb+1 || len(p.bimp) != nb+1 ||
		p.tblk[0] != 0 || int(p.tblk[nt]) != nb || p.timp[0] != 0 || int(p.timp[nt]) != len(p.tImp) ||
		p.boff[0] != 0 || p.boff[nb] != uint64(len(p.data)) || p.bimp[0] != 0 || int(p.bimp[nb]) != len(p.imp) {
		return false
	}
	for i := range nt {
		if int(p.terms[i]) >= nterms || (i > 0 && p.terms[i] <= p.terms[i-1]) || p.tdf[i] == 0 ||
			int(p.tblk[i+1])-int(p.tblk[i]) != (int(p.tdf[i])+blockSize-1)/blockSize ||
			p.timp[i] > p.timp[i+1] {
			return false
		}
		for b := p.tblk[i]; b < p.tblk[i+1]; b++ {
			if int(p.blast[b]) >= n || (b > p.tblk[i] && p.blast[b] <= p.blast[b-1]) {
				return false
			}
		}
	}
	for b := range nb {
		if p.boff[b] > p.boff[b+1] || p.bimp[b] > p.bimp[b+1] {
			return false
		}
	}
	for _, im := range p.imp {
		if !finite(im.wtf) || !finite(im.wlen) {
			return false
		}
	}
	for _, im := range p.tImp {
		if !finite(im.wtf) || !finite(im.wlen) {
			return false
		}
	}
	return true
}

func finite(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) && f >= 0 }

// install makes a loaded snapshot the index's contents. Statistics, the id
// table and the vocabulary's hash table are rebuilt before the index is
// locked; under the lock only pointers change.
func (ix *Index) install(terms [][]byte, sorted []uint32, segs []*segment) {
	ix.maintMu.Lock()
	defer ix.maintMu.Unlock()

	nv := newVocab()
	nv.load(terms, sorted)

	var lt locTable
	live, total := 0, 0.0
	for i, s := range segs {
		s.serial = uint32(i + 1)
		s.ndead = 0
		for _, w := range s.dead {
			s.ndead += bits.OnesCount64(w)
		}
		if len(s.wlen) > 0 {
			s.minWlen = slices.Min(s.wlen)
		}
	}
	for _, s := range segs {
		for ord := range s.len() {
			o := uint32(ord)
			if s.isDead(o) {
				continue
			}
			id := s.ids[ord]
			if prev := lt.get(id); prev.serial != 0 {
				// The same id live twice: keep the later copy.
				ps := segs[prev.serial-1]
				ps.markDead(prev.ord)
				live--
				total -= float64(ps.wlen[prev.ord])
			}
			lt.set(id, loc{serial: s.serial, ord: o})
			live++
			total += float64(s.wlen[ord])
		}
	}
	df := make([]int32, len(terms))
	var toks []posTerm
	for _, s := range segs {
		for i, t := range s.post.terms {
			df[t] += int32(s.post.tdf[i])
		}
		if s.ndead == 0 {
			continue
		}
		for ord := range s.len() {
			if !s.isDead(uint32(ord)) {
				continue
			}
			toks = decodeRecord(s.record(uint32(ord)), toks[:0])
			slices.SortFunc(toks, func(x, y posTerm) int { return int(x.term) - int(y.term) })
			for j, tk := range toks {
				if (j == 0 || toks[j-1].term != tk.term) && int(tk.term) < len(df) {
					df[tk.term]--
				}
			}
		}
	}
	kept := segs[:0]
	bySerial := map[uint32]*segment{}
	for _, s := range segs {
		if s.liveLen() > 0 {
			kept = append(kept, s)
			bySerial[s.serial] = s
		}
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	v := ix.voc
	v.mu.Lock()
	v.seed, v.chunks, v.refs, v.slots, v.sorted = nv.seed, nv.chunks, nv.refs, nv.slots, nv.sorted
	v.gen++
	v.mu.Unlock()
	ix.df = df
	ix.segs = kept
	ix.bySerial = bySerial
	ix.serial = uint32(len(segs))
	ix.loc = lt
	ix.live = live
	ix.totalWlen = total
	ix.mem = ix.newMemSegment()
}
