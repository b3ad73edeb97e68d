package vector

import "math/bits"

// Vectors are kept by id. Ids are dense (the search engine hands them out as
// 0..N-1 and never reuses one), so a vector's place is computed from its id:
// ids are grouped in chunks of chunkSize, each chunk holding its vectors in
// one contiguous block. A chunk is allocated when its first id arrives, so a
// stray large id costs one chunk, not memory up to that id.
const (
	chunkBits = 10
	chunkSize = 1 << chunkBits
)

type chunk struct {
	vecs    []uint16 // chunkSize rows of dim half-precision floats (half.go)
	list    []int32  // inverted list holding the id, or -1
	pos     []int32  // position of the id within that list
	present [chunkSize / 64]uint64
}

// store holds the vectors, in half precision: the source for exact search,
// for re-ranking, for training and for snapshots.
type store struct {
	dim    int
	chunks []*chunk
	n      int // ids present
}

// limit returns one more than the largest id the store has room for.
func (s *store) limit() int { return len(s.chunks) << chunkBits }

// locate returns the chunk holding id (nil if none) and the id's row in it.
func (s *store) locate(id uint32) (*chunk, int) {
	ci := int(id >> chunkBits)
	if ci >= len(s.chunks) {
		return nil, 0
	}
	return s.chunks[ci], int(id & (chunkSize - 1))
}

func (c *chunk) has(i int) bool { return c.present[i>>6]&(1<<(i&63)) != 0 }

func (c *chunk) row(i, dim int) []uint16 { return c.vecs[i*dim : (i+1)*dim : (i+1)*dim] }

// get returns the stored vector of id, which callers must not modify.
func (s *store) get(id uint32) ([]uint16, bool) {
	c, i := s.locate(id)
	if c == nil || !c.has(i) {
		return nil, false
	}
	return c.row(i, s.dim), true
}

// put stores v as the vector of id and returns its chunk and row.
func (s *store) put(id uint32, v []float32) (*chunk, int) {
	c, i := s.alloc(id)
	encodeHalf(c.row(i, s.dim), v)
	return c, i
}

// alloc marks id present, making room for it, and returns its chunk and
// row, whose vector the caller then sets.
func (s *store) alloc(id uint32) (*chunk, int) {
	ci := int(id >> chunkBits)
	for ci >= len(s.chunks) {
		s.chunks = append(s.chunks, nil)
	}
	c := s.chunks[ci]
	if c == nil {
		c = &chunk{
			vecs: make([]uint16, chunkSize*s.dim),
			list: make([]int32, chunkSize),
			pos:  make([]int32, chunkSize),
		}
		for i := range c.list {
			c.list[i] = -1
		}
		s.chunks[ci] = c
	}
	i := int(id & (chunkSize - 1))
	if !c.has(i) {
		c.present[i>>6] |= 1 << (i & 63)
		s.n++
	}
	return c, i
}

// remove forgets id's vector and reports whether it was present. The row
// is cleared so that chunk-wide scans see a zero vector there.
func (s *store) remove(id uint32) bool {
	c, i := s.locate(id)
	if c == nil || !c.has(i) {
		return false
	}
	c.present[i>>6] &^= 1 << (i & 63)
	clear(c.row(i, s.dim))
	s.n--
	return true
}

// each calls fn for every present id in ascending order, with its chunk and row.
func (s *store) each(fn func(id uint32, c *chunk, i int)) {
	for ci, c := range s.chunks {
		if c == nil {
			continue
		}
		base := uint32(ci) << chunkBits
		for w, word := range c.present {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &= word - 1
				i := w<<6 | b
				fn(base|uint32(i), c, i)
			}
		}
	}
}

// bytes returns the memory held by the store.
func (s *store) bytes() int64 {
	var n int64 = int64(cap(s.chunks)) * 8
	for _, c := range s.chunks {
		if c != nil {
			n += int64(cap(c.vecs))*2 + int64(cap(c.list)+cap(c.pos))*4 + int64(len(c.present))*8 + 64
		}
	}
	return n
}
