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
