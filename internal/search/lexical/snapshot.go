package lexical

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"

	"quire"
)

// Snapshot format, little-endian throughout:
//
//	"QUIRELEX" u32(version)
//	f64 × 5     K1, B and the title, abstract and author weights
//	u64         analyser fingerprint
//	vocabulary  uvarint(n), n length bytes, bytes(term data), u32s(sorted ids)
//	uvarint(number of segments), then per segment:
//	            u32s(ids) f32s(wlen) u64s(dead) u64s(fwdOff) bytes(fwd)
//	            u32s(terms) u32s(tdf) u32s(tblk) u32s(timp) impacts(tImp)
//	            u32s(blast) u64s(boff) u32s(bimp) impacts(imp) bytes(data)
//	u32         CRC-32C of everything before it
//
// where an array is uvarint(length) followed by its elements. Document
// frequencies, live counts and the id table are not stored: they are
// recomputed from the segments on load, which is cheap.
const (
	snapMagic   = "QUIRELEX"
	snapVersion = 1
	// maxArray bounds any array length read from a snapshot; arrays are read
	// in chunks, so a damaged length cannot allocate more than the data.
	maxArray = 1 << 40
)

// ErrIncompatible is returned by ReadFrom for a snapshot written by another
// format version, with other field weights or by an analyser that splits
// or stems text differently: the index must be rebuilt from the documents.
var ErrIncompatible = errors.New("lexical: snapshot incompatible with this index")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes a snapshot of the index to w. Documents added while it
// runs may or may not be included; the index stays usable throughout.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	ix.maintMu.Lock()
	defer ix.maintMu.Unlock()

	// Freeze the mutable segment so that everything to write is read-only
	// apart from dead bits, which are copied here together.
	ix.mu.Lock()
	ix.freezeLocked()
	segs := append([]*segment(nil), ix.segs...)
	deads := make([][]uint64, len(segs))
	for i, s := range segs {
		deads[i] = s.deadCopy()
	}
	ix.voc.mu.RLock()
	nterms := len(ix.voc.refs)
	ix.voc.mu.RUnlock()
	ix.mu.Unlock()
	defer ix.kick() // the frozen segment still needs compacting

	sw := &snapWriter{w: bufio.NewWriterSize(w, 1<<16), crc: crc32.New(castagnoli)}
	sw.raw([]byte(snapMagic))
	sw.u32(snapVersion)
	for _, f := range []float64{ix.p.K1, ix.p.B, ix.p.TitleWeight, ix.p.AbstractWeight, ix.p.AuthorsWeight} {
		sw.u64(math.Float64bits(f))
	}
	sw.u64(ix.fingerprint())

	v := ix.voc
	v.mu.RLock()
	lens := make([]byte, nterms)
	size := 0
	for id := range nterms {
		lens[id] = byte(len(v.bytesOf(uint32(id))))
		size += int(lens[id])
	}
	sw.bytes(lens)
	sw.uvarint(uint64(size))
	for id := range nterms {
		sw.raw(v.bytesOf(uint32(id)))
	}
	sorted := make([]uint32, 0, len(v.sorted))
	for _, id := range v.sorted {
		if int(id) < nterms {
			sorted = append(sorted, id)
		}
	}
	v.mu.RUnlock()
	sw.u32s(sorted)

	sw.uvarint(uint64(len(segs)))
	for i, s := range segs {
		if s.isMem() {
			// Frozen segments are written in compact form, dead documents
			// kept so that ordinals and the copied dead bits still agree.
			s, _ = ix.buildFrom([]*segment{s}, deads[i:i+1], true)
		}
		sw.segment(s, deads[i])
	}
	sw.u32raw(sw.crc.Sum32())
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	return sw.n, sw.err
}

// fingerprint hashes how the analyser and NameWords treat a probe text, so
// that a snapshot is not loaded by a build that would analyse differently.
func (ix *Index) fingerprint() uint64 {
	const probe = "The State-of-the-Art Models' naïve scaling laws: GPT-4, 3D and 2024 " +
		"running studies of generalization, Schrödinger's équations, ﬁnite ÅNGSTRÖM"
	h := fnv.New64a()
	for _, t := range ix.an.Tokens(probe, nil) {
		fmt.Fprintf(h, "%s/%d ", t.Term, t.Pos)
	}
	for _, w := range NameWords("José-María O'Brien Łukasz Müller") {
		fmt.Fprintf(h, "%s ", w)
	}
	fmt.Fprintf(h, "%d %d %d", fieldGap, authorGap, blockSize)
	return h.Sum64()
}

type snapWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	n   int64
	err error
	buf []byte
}

func (sw *snapWriter) raw(p []byte) {
	if sw.err != nil {
		return
	}
	sw.crc.Write(p)
	m, err := sw.w.Write(p)
	sw.n += int64(m)
	sw.err = err
}

func (sw *snapWriter) u32(v uint32) { sw.raw(binary.LittleEndian.AppendUint32(sw.buf[:0], v)) }
func (sw *snapWriter) u64(v uint64) { sw.raw(binary.LittleEndian.AppendUint64(sw.buf[:0], v)) }

// u32raw writes v without adding it to the checksum.
func (sw *snapWriter) u32raw(v uint32) {
	if sw.err != nil {
		return
	}
	m, err := sw.w.Write(binary.LittleEndian.AppendUint32(nil, v))
	sw.n += int64(m)
	sw.err = err
}

func (sw *snapWriter) uvarint(v uint64) { sw.raw(binary.AppendUvarint(sw.buf[:0], v)) }

func (sw *snapWriter) bytes(p []byte) {
	sw.uvarint(uint64(len(p)))
	sw.raw(p)
}

// chunked writes an array through a 64 KiB buffer.
func chunked[T any](sw *snapWriter, s []T, size int, put func([]byte, T) []byte) {
	sw.uvarint(uint64(len(s)))
	for len(s) > 0 {
		n := min(len(s), 1<<16/size)
		b := sw.buf[:0]
		for _, x := range s[:n] {
			b = put(b, x)
		}
		sw.raw(b)
		sw.buf = b[:0]
		s = s[n:]
	}
}

func (sw *snapWriter) u32s(s []uint32) { chunked(sw, s, 4, binary.LittleEndian.AppendUint32) }
func (sw *snapWriter) u64s(s []uint64) { chunked(sw, s, 8, binary.LittleEndian.AppendUint64) }
func (sw *snapWriter) f32s(s []float32) {
	chunked(sw, s, 4, func(b []byte, f float32) []byte {
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	})
}
func (sw *snapWriter) impacts(s []impact) {
	chunked(sw, s, 8, func(b []byte, im impact) []byte {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(im.wtf))
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(im.wlen))
	})
}

func (sw *snapWriter) segment(s *segment, dead []uint64) {
	sw.u32s(s.ids)
	sw.f32s(s.wlen)
	sw.u64s(dead)
	sw.u64s(s.fwdOff)
	sw.bytes(s.fwd)
	p := s.post
	sw.u32s(p.terms)
	sw.u32s(p.tdf)
	sw.u32s(p.tblk)
	sw.u32s(p.timp)
	sw.impacts(p.tImp)
	sw.u32s(p.blast)
	sw.u64s(p.boff)
	sw.u32s(p.bimp)
	sw.impacts(p.imp)
	sw.bytes(p.data)
}

// ReadFrom replaces the contents of the index with a snapshot read from r.
// On error the index is left as it was. A snapshot from another format
// version, other field weights or another analyser gives an error wrapping
// ErrIncompatible; a damaged one an error wrapping quire.ErrInvalid.
func (ix *Index) ReadFrom(r io.Reader) (n int64, err error) {
	sr := &snapReader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(castagnoli)}
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
	r   *bufio.Reader
	crc hash.Hash32
	n   int64
	err error
	buf [8]byte
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

// fixed reads n bytes, growing the buffer as data arrives.
func (sr *snapReader) fixed(n uint64) []byte {
	var out []byte
	for n > 0 && sr.err == nil {
		k := min(n, 1<<24)
		start := len(out)
		out = append(out, make([]byte, k)...)
		sr.raw(out[start:])
		n -= k
	}
	return out
}

func (sr *snapReader) byteArray() []byte { return sr.fixed(sr.count()) }

func readArray[T any](sr *snapReader, size int, get func([]byte) T) []T {
	n := sr.count()
	out := make([]T, 0, min(n, 1<<16))
	buf := make([]byte, 1<<16)
	for n > 0 && sr.err == nil {
		k := min(n, uint64(len(buf)/size))
		b := buf[:k*uint64(size)]
		sr.raw(b)
		if sr.err != nil {
			break
		}
		for i := 0; i < len(b); i += size {
			out = append(out, get(b[i:]))
		}
		n -= k
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
