package lexical

import (
	"bytes"
	"hash/maphash"
	"slices"
	"sync"
)

// vocab maps terms to dense ids (0, 1, …, in order of first appearance) and
// back. Ids are never reused, so stored records keep their meaning for the
// life of the index. The table holds no pointers per term (term bytes sit
// in large chunks, the hash table is a slice of ids) so a vocabulary of
// millions of terms costs the garbage collector nothing.
//
// vocab has its own lock so that Add can intern terms before it takes the
// index lock.
type vocab struct {
	mu     sync.RWMutex
	seed   maphash.Seed
	chunks [][]byte // term bytes; a chunk never moves once allocated
	refs   []uint64 // per id: chunk<<32 | offset<<8 | length
	slots  []uint32 // open addressing, linear probing: id+1, 0 = empty
	// sorted lists ids [0, len(sorted)) in byte order of their terms, for
	// prefix expansion; newer ids are scanned linearly until the next
	// refresh.
	sorted []uint32
	// gen changes when a snapshot replaces the vocabulary (under the index
	// lock too), so that Add can tell its ids went stale.
	gen uint64
}

const (
	chunkSize  = 1 << 20
	maxTermLen = 255
)

func newVocab() *vocab {
	return &vocab{seed: maphash.MakeSeed(), slots: make([]uint32, 1024)}
}

// Len returns the number of terms.
func (v *vocab) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.refs)
}

// bytesOf returns the term of id. The caller holds mu (either mode).
func (v *vocab) bytesOf(id uint32) []byte {
	r := v.refs[id]
	c, off, n := r>>32, r>>8&0xffffff, r&0xff
	return v.chunks[c][off : off+n : off+n]
}

// lookup returns the id of term. The caller holds mu (either mode).
func (v *vocab) lookup(term string) (uint32, bool) {
	if len(term) == 0 || len(term) > maxTermLen {
		return 0, false
	}
	mask := uint64(len(v.slots) - 1)
	for i := maphash.String(v.seed, term) & mask; ; i = (i + 1) & mask {
		s := v.slots[i]
		if s == 0 {
			return 0, false
		}
		if string(v.bytesOf(s-1)) == term {
			return s - 1, true
		}
	}
}

// Lookup returns the id of term.
func (v *vocab) Lookup(term string) (uint32, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.lookup(term)
}

// intern sets ids[i] to the id of toks[i]'s term, adding new terms, and
// returns the vocabulary's generation. Terms that are empty or too long
// get ok[i] = false.
func (v *vocab) intern(toks []rawTok, ids []uint32, ok []bool) (gen uint64) {
	missing := false
	v.mu.RLock()
	gen = v.gen
	for i, tk := range toks {
		t := tk.term
		ids[i], ok[i] = v.lookup(t)
		if !ok[i] && len(t) > 0 && len(t) <= maxTermLen {
			missing = true
		}
	}
	v.mu.RUnlock()
	if !missing {
		return gen
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gen != gen {
		return gen // stale: the caller sees the generation changed and retries
	}
	for i, tk := range toks {
		t := tk.term
		if ok[i] || len(t) == 0 || len(t) > maxTermLen {
			continue
		}
		ids[i], ok[i] = v.add(t), true
	}
	return gen
}

// add returns the id of term, adding it if needed. The caller holds mu.
func (v *vocab) add(term string) uint32 {
	if id, ok := v.lookup(term); ok {
		return id
	}
	c := len(v.chunks) - 1
	if c < 0 || len(v.chunks[c])+len(term) > chunkSize {
		v.chunks = append(v.chunks, make([]byte, 0, chunkSize))
		c++
	}
	off := len(v.chunks[c])
	v.chunks[c] = append(v.chunks[c], term...)
	id := uint32(len(v.refs))
	v.refs = append(v.refs, uint64(c)<<32|uint64(off)<<8|uint64(len(term)))
	if 2*len(v.refs) > len(v.slots) {
		v.rehash(2 * len(v.slots))
	} else {
		v.place(id)
	}
	return id
}

func (v *vocab) place(id uint32) {
	mask := uint64(len(v.slots) - 1)
	i := maphash.Bytes(v.seed, v.bytesOf(id)) & mask
	for v.slots[i] != 0 {
		i = (i + 1) & mask
	}
	v.slots[i] = id + 1
}

func (v *vocab) rehash(n int) {
	v.slots = make([]uint32, n)
	for id := range v.refs {
		v.place(uint32(id))
	}
}

// load replaces the vocabulary with terms, given in id order. The caller
// owns v exclusively.
func (v *vocab) load(terms [][]byte, sorted []uint32) {
	v.chunks, v.refs = nil, make([]uint64, 0, len(terms))
	n := 1024
	for n < 2*len(terms) {
		n *= 2
	}
	v.slots = make([]uint32, n)
	for _, t := range terms {
		c := len(v.chunks) - 1
		if c < 0 || len(v.chunks[c])+len(t) > chunkSize {
			v.chunks = append(v.chunks, make([]byte, 0, chunkSize))
			c++
		}
		off := len(v.chunks[c])
		v.chunks[c] = append(v.chunks[c], t...)
		id := uint32(len(v.refs))
		v.refs = append(v.refs, uint64(c)<<32|uint64(off)<<8|uint64(len(t)))
		v.place(id)
	}
	v.sorted = sorted
}

// refreshSorted extends the sorted list to every current term. The sort
// runs under the read lock; only the swap takes the write lock.
func (v *vocab) refreshSorted() {
	v.mu.RLock()
	old := v.sorted
	n := len(v.refs)
	if len(old) == n {
		v.mu.RUnlock()
		return
	}
	tail := make([]uint32, 0, n-len(old))
	for id := len(old); id < n; id++ {
		tail = append(tail, uint32(id))
	}
	cmp := func(a, b uint32) int { return bytes.Compare(v.bytesOf(a), v.bytesOf(b)) }
	slices.SortFunc(tail, cmp)
	merged := make([]uint32, 0, n)
	i, j := 0, 0
	for i < len(old) && j < len(tail) {
		if cmp(old[i], tail[j]) <= 0 {
			merged = append(merged, old[i])
			i++
		} else {
			merged = append(merged, tail[j])
			j++
		}
	}
	merged = append(append(merged, old[i:]...), tail[j:]...)
	v.mu.RUnlock()

	v.mu.Lock()
	if len(v.sorted) == len(old) { // nobody refreshed meanwhile
		v.sorted = merged
	}
	v.mu.Unlock()
}

// withPrefix calls fn for every term id whose term starts with prefix. The
// caller holds mu (either mode).
func (v *vocab) withPrefix(prefix []byte, fn func(id uint32)) {
	s := v.sorted
	i, _ := slices.BinarySearchFunc(s, prefix, func(id uint32, p []byte) int {
		return bytes.Compare(v.bytesOf(id), p)
	})
	for ; i < len(s) && bytes.HasPrefix(v.bytesOf(s[i]), prefix); i++ {
		fn(s[i])
	}
	for id := len(s); id < len(v.refs); id++ {
		if bytes.HasPrefix(v.bytesOf(uint32(id)), prefix) {
			fn(uint32(id))
		}
	}
}

// memoryBytes estimates the vocabulary's heap use. The caller holds mu.
func (v *vocab) memoryBytes() int64 {
	n := int64(cap(v.refs))*8 + int64(cap(v.slots))*4 + int64(cap(v.sorted))*4
	for _, c := range v.chunks {
		n += int64(cap(c))
	}
	return n
}
