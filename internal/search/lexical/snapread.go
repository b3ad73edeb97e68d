package lexical

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"quire"
)

// ReadFrom replaces the contents of the index with a snapshot read from r.
// On error the index is left as it was. A snapshot from another format
// version, other field weights or another analyser gives an error wrapping
// ErrIncompatible; a damaged one an error wrapping quire.ErrInvalid.
func (ix *Index) ReadFrom(r io.Reader) (n int64, err error) {
	sr := &snapReader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(castagnoli), size: inputSize(r)}
	defer func() { n = sr.n }()

	magic := make([]byte, len(snapMagic))
	sr.raw(magic)
	if sr.err != nil {
		return 0, sr.fail("header")
	}
	if string(magic) != snapMagic {
		return 0, fmt.Errorf("lexical snapshot: not a snapshot: %w", quire.ErrInvalid)
	}
	if v := sr.u32(); v != snapVersion {
		return 0, fmt.Errorf("format version %d, want %d: %w", v, snapVersion, ErrIncompatible)
	}
	var ps [5]float64
	for i := range ps {
		ps[i] = math.Float64frombits(sr.u64())
	}
	fp := sr.u64()
	if sr.err != nil {
		return 0, sr.fail("header")
	}
	if ps[2] != ix.p.TitleWeight || ps[3] != ix.p.AbstractWeight || ps[4] != ix.p.AuthorsWeight {
		return 0, fmt.Errorf("field weights %v/%v/%v, index has %v/%v/%v: %w", ps[2], ps[3], ps[4],
			ix.p.TitleWeight, ix.p.AbstractWeight, ix.p.AuthorsWeight, ErrIncompatible)
	}
	if fp != ix.fingerprint() {
		return 0, fmt.Errorf("analyser differs: %w", ErrIncompatible)
	}

	lens := sr.byteArray()
	size := sr.count()
	if sr.err != nil {
		return 0, sr.fail("vocabulary")
	}
	data := sr.fixed(size)
	terms := make([][]byte, len(lens))
	off := uint64(0)
	for i, l := range lens {
		if off+uint64(l) > uint64(len(data)) {
			sr.corrupt("vocabulary")
			break
		}
		terms[i] = data[off : off+uint64(l)]
		off += uint64(l)
	}
	sorted := sr.u32s()
	if sr.err == nil && (off != uint64(len(data)) || !validSorted(sorted, len(terms))) {
		sr.corrupt("vocabulary")
	}
	nseg := sr.count()
	var segs []*segment
	for i := uint64(0); i < nseg && sr.err == nil; i++ {
		s := sr.segment()
		if sr.err == nil && !validSegment(s, len(terms)) {
			sr.corrupt(fmt.Sprintf("segment %d", i))
		}
		segs = append(segs, s)
	}
	if sr.err != nil {
		return 0, sr.fail("segments")
	}
	want := sr.crc.Sum32()
	b := make([]byte, 4)
	if _, err := io.ReadFull(sr.r, b); err != nil {
		sr.err = err
		return 0, sr.fail("checksum")
	}
	sr.n += 4
	if binary.LittleEndian.Uint32(b) != want {
		return 0, fmt.Errorf("lexical snapshot: checksum mismatch: %w", quire.ErrInvalid)
	}
	ix.install(terms, sorted, segs)
	return sr.n, nil
}

type snapReader struct {
	r    *bufio.Reader
	crc  hash.Hash32
	n    int64
	size int64 // bytes the input holds, or -1 when it cannot tell
	err  error
	buf  [8]byte
}

// inputSize returns how many bytes r holds when it can tell: a section of
// the engine's snapshot file (an io.SectionReader) or a bytes.Reader.
// Otherwise -1.
func inputSize(r io.Reader) int64 {
	switch r := r.(type) {
	case *io.SectionReader:
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return r.Size() - pos
	case interface{ Len() int }:
		return int64(r.Len())
	}
	return -1
}

// initialCap returns the capacity to allocate for an array of n elements
// of size bytes: all of it when the input still holds that many bytes, as
// a snapshot that is not damaged always does, else at most max elements,
// for the array to grow as data arrives (see fixed).
func (sr *snapReader) initialCap(n uint64, size, max int) uint64 {
	if sr.size >= sr.n && n <= uint64(sr.size-sr.n)/uint64(size) {
		return n
	}
	return min(n, uint64(max))
}

func (sr *snapReader) fail(what string) error {
	if errors.Is(sr.err, quire.ErrInvalid) {
		return sr.err
	}
	if errors.Is(sr.err, io.EOF) || errors.Is(sr.err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("lexical snapshot: truncated %s: %w", what, quire.ErrInvalid)
	}
	return fmt.Errorf("lexical snapshot: reading %s: %w", what, sr.err)
}

func (sr *snapReader) corrupt(what string) {
	if sr.err == nil {
		sr.err = fmt.Errorf("lexical snapshot: damaged %s: %w", what, quire.ErrInvalid)
	}
}

func (sr *snapReader) raw(p []byte) {
	if sr.err != nil {
		return
	}
	m, err := io.ReadFull(sr.r, p)
	sr.n += int64(m)
	sr.crc.Write(p[:m])
	sr.err = err
}

func (sr *snapReader) u32() uint32 {
	sr.raw(sr.buf[:4])
	return binary.LittleEndian.Uint32(sr.buf[:4])
}

func (sr *snapReader) u64() uint64 {
	sr.raw(sr.buf[:8])
	return binary.LittleEndian.Uint64(sr.buf[:8])
}

func (sr *snapReader) count() uint64 {
	if sr.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c, err := sr.r.ReadByte()
		if err != nil {
			sr.err = err
			return 0
		}
		sr.n++
		sr.crc.Write([]byte{c})
		if shift >= 63 {
			sr.corrupt("length")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	if v > maxArray {
		sr.corrupt("length")
		return 0
	}
	return v
}

// fixed reads n bytes. Unless the input is known to hold them, it
// allocates as data arrives, doubling up to n, so that a damaged length
// costs at most twice the data actually present; the result has no spare
// capacity when the length is right.
func (sr *snapReader) fixed(n uint64) []byte {
	out := make([]byte, 0, sr.initialCap(n, 1, 1<<20))
	for uint64(len(out)) < n && sr.err == nil {
		if len(out) == cap(out) {
			out = regrow(out, n)
		}
		k := min(n-uint64(len(out)), uint64(cap(out)-len(out)))
		start := len(out)
		out = out[:start+int(k)]
		sr.raw(out[start:])
	}
	return out
}

// regrow returns s with its capacity doubled, at most to n elements.
func regrow[T any](s []T, n uint64) []T {
	c := min(n, 2*uint64(cap(s))+1)
	g := make([]T, len(s), c)
	copy(g, s)
	return g
}

func (sr *snapReader) byteArray() []byte { return sr.fixed(sr.count()) }

func readArray[T any](sr *snapReader, size int, get func([]byte) T) []T {
	n := sr.count()
	out := make([]T, 0, sr.initialCap(n, size, 1<<16))
	buf := make([]byte, 1<<16)
	for uint64(len(out)) < n && sr.err == nil {
		if len(out) == cap(out) {
			out = regrow(out, n)
		}
		k := min(n-uint64(len(out)), uint64(len(buf)/size), uint64(cap(out)-len(out)))
		b := buf[:k*uint64(size)]
		sr.raw(b)
		if sr.err != nil {
			break
		}
		for i := 0; i < len(b); i += size {
			out = append(out, get(b[i:]))
		}
	}
	return out
}

func (sr *snapReader) u32s() []uint32 { return readArray(sr, 4, binary.LittleEndian.Uint32) }
func (sr *snapReader) u64s() []uint64 { return readArray(sr, 8, binary.LittleEndian.Uint64) }
func (sr *snapReader) f32s() []float32 {
	return readArray(sr, 4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) })
}
func (sr *snapReader) impacts() []impact {
	return readArray(sr, 8, func(b []byte) impact {
		return impact{
			wtf:  math.Float32frombits(binary.LittleEndian.Uint32(b)),
			wlen: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])),
		}
	})
}

func (sr *snapReader) segment() *segment {
	s := &segment{}
	s.ids = sr.u32s()
	s.wlen = sr.f32s()
	s.dead = sr.u64s()
	s.fwdOff = sr.u64s()
	s.fwd = sr.byteArray()
	p := &postings{}
	p.terms = sr.u32s()
	p.tdf = sr.u32s()
	p.tblk = sr.u32s()
	p.timp = sr.u32s()
	p.tImp = sr.impacts()
	p.blast = sr.u32s()
	p.boff = sr.u64s()
	p.bimp = sr.u32s()
	p.imp = sr.impacts()
	p.data = sr.byteArray()
	s.post = p
	return s
}
