package lexical

import (
	"encoding/binary"
	"slices"
)

// A segment holds a set of documents under local ordinals 0..n-1. Its
// postings refer to ordinals; ids maps them to document ids. A segment is
// either mutable (post == nil and not frozen: the one receiving new
// documents), frozen (post == nil, read-only, waiting to be compacted), or
// compact (post != nil, read-only). Only the dead bits of frozen and compact
// segments change, under the index's write lock.
type segment struct {
	serial uint32
	ids    []uint32  // document id per ordinal
	wlen   []float32 // weighted length per ordinal
	fwdOff []uint64  // record of ordinal i is fwd[fwdOff[i]:fwdOff[i+1]]
	fwd    []byte    // forward records: each document's token sequence
	dead   []uint64  // bitmap of ordinals whose document was deleted or replaced
	ndead  int

	post *postings // compact segments

	// Mutable and frozen segments: the postings of term id t are
	// lists[slot[t]-1] (slot 0: none). A slice indexed by term id is a few
	// megabytes at most and much faster than a map on the Add path.
	slot   []int32
	lists  []memList
	frozen bool

	minWlen float32 // smallest weighted length of a document ever held
}

// memList is a term's postings in a mutable segment.
type memList struct {
	ords   []uint32
	tf     []tfs
	maxWtf float32
}

func newMem(serial uint32) *segment {
	return &segment{serial: serial, fwdOff: []uint64{0}}
}

// addPosting appends a posting to a mutable segment.
func (s *segment) addPosting(term, ord uint32, f tfs, wtf float32) {
	if int(term) >= len(s.slot) {
		s.slot = append(s.slot, make([]int32, int(term)+1-len(s.slot))...)
	}
	i := s.slot[term]
	if i == 0 {
		s.lists = append(s.lists, memList{})
		i = int32(len(s.lists))
		s.slot[term] = i
	}
	ml := &s.lists[i-1]
	ml.ords = append(ml.ords, ord)
	ml.tf = append(ml.tf, f)
	ml.maxWtf = max(ml.maxWtf, wtf)
}

// memList returns term's postings in a mutable or frozen segment, or nil.
func (s *segment) memList(term uint32) *memList {
	if int(term) >= len(s.slot) || s.slot[term] == 0 {
		return nil
	}
	return &s.lists[s.slot[term]-1]
}

// memTerms returns the term ids of a mutable or frozen segment in order.
func (s *segment) memTerms() []uint32 {
	terms := make([]uint32, 0, len(s.lists))
	for t, i := range s.slot {
		if i != 0 {
			terms = append(terms, uint32(t))
		}
	}
	return terms
}

func (s *segment) len() int     { return len(s.ids) }
func (s *segment) liveLen() int { return len(s.ids) - s.ndead }
func (s *segment) isMem() bool  { return s.post == nil }
func (s *segment) record(ord uint32) []byte {
	return s.fwd[s.fwdOff[ord]:s.fwdOff[ord+1]]
}

func (s *segment) isDead(ord uint32) bool {
	w := int(ord >> 6)
	return w < len(s.dead) && s.dead[w]&(1<<(ord&63)) != 0
}

func (s *segment) markDead(ord uint32) {
	w := int(ord >> 6)
	if w >= len(s.dead) {
		s.dead = append(s.dead, make([]uint64, w+1-len(s.dead))...)
	}
	if s.dead[w]&(1<<(ord&63)) == 0 {
		s.dead[w] |= 1 << (ord & 63)
		s.ndead++
	}
}

// deadCopy returns a copy of the dead bitmap sized for every ordinal.
func (s *segment) deadCopy() []uint64 {
	d := make([]uint64, (s.len()+63)/64)
	copy(d, s.dead)
	return d
}

// memoryBytes estimates the segment's heap use.
func (s *segment) memoryBytes() int64 {
	n := int64(cap(s.ids))*4 + int64(cap(s.wlen))*4 + int64(cap(s.fwdOff))*8 +
		int64(cap(s.fwd)) + int64(cap(s.dead))*8 + 128
	if s.post != nil {
		n += s.post.memoryBytes()
	}
	n += int64(cap(s.slot))*4 + int64(cap(s.lists))*64
	for _, l := range s.lists {
		n += int64(cap(l.ords))*4 + int64(cap(l.tf))*4
	}
	return n
}

// The forward record of a document is its token sequence: one entry per
// token in position order, uvarint(term<<1 | g), followed by uvarint(gap)
// when g = 1, where gap is the distance from the previous token's position
// (the first token's from -1); g = 0 means a gap of 1. Stop words are not
// tokens, so they show as gaps.

// appendToken appends one entry of a forward record.
func appendToken(dst []byte, term uint32, gap uint32) []byte {
	if gap == 1 {
		return binary.AppendUvarint(dst, uint64(term)<<1)
	}
	dst = binary.AppendUvarint(dst, uint64(term)<<1|1)
	return binary.AppendUvarint(dst, uint64(gap))
}

// posTerm is one decoded token.
type posTerm struct {
	pos  uint32
	term uint32
}

// decodeRecord appends the tokens of rec to dst. It stops at the first
// malformed entry.
func decodeRecord(rec []byte, dst []posTerm) []posTerm {
	return scanRecord(rec, nil, dst)
}

// scanRecord appends the tokens of rec whose term is in want (every token
// when want is nil) to dst. Verifying a phrase needs only the positions of
// its few terms, so keeping just those saves most of the work.
func scanRecord(rec []byte, want []uint32, dst []posTerm) []posTerm {
	pos := uint64(1<<64 - 1) // -1: the first gap is counted from before 0
	for p := 0; p < len(rec); {
		var v uint64
		if b := rec[p]; b < 0x80 {
			v = uint64(b)
			p++
		} else if p+1 < len(rec) && rec[p+1] < 0x80 {
			v = uint64(b&0x7f) | uint64(rec[p+1])<<7
			p += 2
		} else if v, p = uvarint(rec, p); p < 0 {
			break
		}
		gap := uint64(1)
		if v&1 != 0 {
			if p < len(rec) && rec[p] < 0x80 {
				gap = uint64(rec[p])
				p++
			} else if gap, p = uvarint(rec, p); p < 0 {
				break
			}
		}
		pos += gap
		term := v >> 1
		if pos > 1<<32-1 || term > 1<<32-1 {
			break
		}
		if want == nil || slices.Contains(want, uint32(term)) {
			dst = append(dst, posTerm{pos: uint32(pos), term: uint32(term)})
		}
	}
	return dst
}
