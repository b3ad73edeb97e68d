package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"quire"
)

// A snapshot is little-endian binary:
//
//	magic "QVECTORS", version uint32, dim uint32, count uint64, trained uint8
//	if trained: lists uint32, probe uint32, own probe uint32 (from version 3),
//	            trainedOn uint64, recall float64,
//	            centroids lists×dim float32, quantiser ranges dim float32,
//	            list sizes lists×uint32 (from version 4)
//	count records in ascending id order: id uint32, list int32, dim float16,
//	            if trained: the id's codes, stride int8 (from version 4)
//	CRC-32C of everything before it, uint32
//
// Version 4 stores the codes. Earlier versions left them out and had them
// recomputed from the vectors on load, which kept the file a sixth smaller
// but made that computation a fifth of the CPU a node spends loading its
// index at start, when it competes with serving nodes for the cores.
// Versions 1 (float32 vectors), 2 (no own probe count: Neighbours then scans
// as many lists as queries) and 3 are still read; their codes are
// recomputed.
const (
	snapshotMagic   = "QVECTORS"
	snapshotVersion = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes a snapshot of the index to w. Updates wait until it is done.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	return ix.writeSnapshot(w, snapshotVersion)
}

// writeSnapshot writes a snapshot in the given format version (3 or 4);
// tests write version 3 to check that it is still read.
func (ix *Index) writeSnapshot(w io.Writer, version uint32) (int64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	sw := &snapWriter{w: bufio.NewWriterSize(w, 1<<16), crc: crc32.New(castagnoli)}
	sw.bytes([]byte(snapshotMagic))
	sw.u32(version)
	sw.u32(uint32(ix.dim))
	sw.u64(uint64(ix.st.n))
	f := ix.ivf
	if f == nil {
		sw.bytes([]byte{0})
	} else {
		sw.bytes([]byte{1})
		sw.u32(uint32(f.nlist))
		sw.u32(uint32(f.nprobe))
		sw.u32(uint32(f.ownProbe))
		sw.u64(uint64(f.trainedN))
		sw.u64(math.Float64bits(f.recall))
		sw.floats(f.centroids)
		sw.floats(f.maxAbs)
		if version >= 4 {
			for _, li := range f.lists {
				sw.u32(uint32(len(li.ids)))
			}
		}
	}
	ix.st.each(func(id uint32, c *chunk, i int) {
		sw.u32(id)
		sw.u32(uint32(c.list[i]))
		sw.halves(c.row(i, ix.dim))
		if f != nil && version >= 4 {
			p := int(c.pos[i]) * f.stride
			sw.bytes(int8Bytes(f.lists[c.list[i]].codes[p : p+f.stride]))
		}
	})
	sw.u32NoSum(sw.crc.Sum32())
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	if sw.err != nil {
		return sw.n, fmt.Errorf("vector: write snapshot: %w", sw.err)
	}
	return sw.n, nil
}

// littleEndian reports whether the machine stores numbers as snapshots
// do, so that half-precision vectors are copied into place as bytes.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// uint16Bytes returns the memory of v as bytes.
func uint16Bytes(v []uint16) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 2*len(v))
}

// int8Bytes returns the memory of v as bytes, which have the same size and
// alignment, so that codes are written and read without a copy.
func int8Bytes(v []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

// ReadFrom replaces the index's contents with a snapshot read from r. The
// snapshot must be of this index's dimension; nothing changes unless it is
// read completely and its checksum matches. The probe count and measured
// recall come from the snapshot unless Params.Probe is set.
func (ix *Index) ReadFrom(r io.Reader) (int64, error) {
	ix.buildMu.Lock()
	defer ix.buildMu.Unlock()
	sr := &snapReader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(castagnoli)}
	st, f, err := ix.readSnapshot(sr)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = quire.Invalidf("snapshot is truncated")
		}
		return sr.n, fmt.Errorf("vector: read snapshot: %w", err)
	}
	ix.mu.Lock()
	ix.st, ix.ivf = st, f
	ix.mu.Unlock()
	return sr.n, nil
}

func (ix *Index) readSnapshot(sr *snapReader) (store, *ivf, error) {
	var magic [8]byte
	sr.read(magic[:])
	version, dim, count := sr.u32(), sr.u32(), sr.u64()
	var trained [1]byte
	sr.read(trained[:])
	if sr.err != nil {
		return store{}, nil, sr.err
	}
	switch {
	case string(magic[:]) != snapshotMagic:
		return store{}, nil, quire.Invalidf("not a vector index snapshot")
	case version < 1 || version > snapshotVersion:
		return store{}, nil, quire.Invalidf("snapshot version %d, want %d", version, snapshotVersion)
	case int(dim) != ix.dim:
		return store{}, nil, quire.Invalidf("snapshot has %d dimensions, index has %d", dim, ix.dim)
	case count > math.MaxUint32+1 || trained[0] > 1:
		return store{}, nil, quire.Invalidf("snapshot header is corrupt")
	}

	var f *ivf
	var sizes []uint32 // version 4: the size of each list, whose codes the records carry
	if trained[0] == 1 {
		nlist, nprobe := sr.u32(), sr.u32()
		var ownProbe uint32
		if version >= 3 {
			ownProbe = sr.u32()
		}
		trainedN := sr.u64()
		recall := math.Float64frombits(sr.u64())
		if sr.err != nil {
			return store{}, nil, sr.err
		}
		if nlist == 0 || uint64(nlist) > max(count, 1) || nprobe > nlist || ownProbe > nlist || trainedN > math.MaxUint32+1 {
			return store{}, nil, quire.Invalidf("snapshot header is corrupt")
		}
		cents := sr.floats(int(nlist) * ix.dim)
		maxAbs := sr.floats(ix.dim)
		if sr.err != nil {
			return store{}, nil, sr.err
		}
		f = &ivf{
			quantizer: quantizerFromMax(maxAbs),
			nlist:     int(nlist),
			nprobe:    int(nprobe),
			ownProbe:  int(ownProbe),
			recall:    recall,
			trainedN:  int(trainedN),
			centroids: cents,
			lists:     make([]list, nlist),
		}
		if version >= 4 {
			sizes = make([]uint32, nlist)
			var sum uint64
			for l := range sizes {
				sizes[l] = sr.u32()
				sum += uint64(sizes[l])
			}
			if sr.err != nil {
				return store{}, nil, sr.err
			}
			if sum != count {
				return store{}, nil, quire.Invalidf("snapshot list sizes are corrupt")
			}
		}
	}

	// Records have a fixed size, so they are read many at a time, each
	// block checksummed at once: reading them field by field was a tenth
	// of the CPU of loading a million vectors.
	rec := 8 + 2*ix.dim
	if version == 1 {
		rec = 8 + 4*ix.dim
	}
	if sizes != nil {
		rec += f.stride
	}
	block := make([]byte, max(1, (1<<16)/rec)*rec)
	st := store{dim: ix.dim}
	row := make([]float32, ix.dim)
	var last int64 = -1
	for left := count; left > 0; {
		b := block[:min(uint64(len(block)/rec), left)*uint64(rec)]
		left -= uint64(len(b) / rec)
		sr.read(b)
		if sr.err != nil {
			return store{}, nil, sr.err
		}
		for ; len(b) > 0; b = b[rec:] {
			id, l := binary.LittleEndian.Uint32(b), int32(binary.LittleEndian.Uint32(b[4:]))
			if int64(id) <= last {
				return store{}, nil, quire.Invalidf("snapshot ids out of order")
			}
			last = int64(id)
			if (f == nil && l != -1) || (f != nil && (l < 0 || int(l) >= f.nlist)) {
				return store{}, nil, quire.Invalidf("snapshot list number is corrupt")
			}
			c, i := st.alloc(id)
			body := b[8:]
			if version == 1 {
				for j := range row {
					row[j] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*j:]))
				}
				encodeHalf(c.row(i, ix.dim), row)
			} else {
				h := c.row(i, ix.dim)
				if littleEndian {
					copy(uint16Bytes(h), body)
				} else {
					for j := range h {
						h[j] = binary.LittleEndian.Uint16(body[2*j:])
					}
				}
			}
			if f == nil {
				continue
			}
			li := &f.lists[l]
			if sizes != nil {
				if len(li.ids) == int(sizes[l]) {
					return store{}, nil, quire.Invalidf("snapshot list sizes are corrupt")
				}
				li.grow(int(sizes[l]), f.stride)
				n := len(li.codes)
				li.codes = li.codes[:n+f.stride]
				copy(int8Bytes(li.codes[n:]), body[2*ix.dim:])
			}
			c.list[i], c.pos[i] = l, int32(len(li.ids))
			li.ids = append(li.ids, id)
		}
	}
	want := sr.crc.Sum32()
	got := sr.u32()
	if sr.err != nil {
		return store{}, nil, sr.err
	}
	if got != want {
		return store{}, nil, quire.Invalidf("snapshot checksum mismatch")
	}
	if f != nil && sizes == nil {
		ix.encodeLists(f, &st)
	}
	return st, f, nil
}

// grow makes room in l for one more entry of a list that will hold size,
// doubling its capacity up to size: a corrupt size in a short file then
// costs at most twice the memory its records fill, while a right one
// leaves the list with no spare capacity.
func (l *list) grow(size, stride int) {
	if len(l.ids) < cap(l.ids) {
		return
	}
	c := min(size, max(2*cap(l.ids), 64))
	ids := make([]uint32, len(l.ids), c)
	copy(ids, l.ids)
	codes := make([]int8, len(l.codes), c*stride)
	copy(codes, l.codes)
	l.ids, l.codes = ids, codes
}

// encodeLists computes the codes of every list from the vectors, for
// snapshots older than version 4, which do not hold them. The lists are
// shared out among Params.Workers goroutines: this is most of the work of
// loading such a snapshot.
func (ix *Index) encodeLists(f *ivf, st *store) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range ix.p.Workers {
		wg.Go(func() {
			row := make([]float32, ix.dim)
			for {
				l := int(next.Add(1)) - 1
				if l >= len(f.lists) {
					return
				}
				li := &f.lists[l]
				li.ids = slices.Clone(li.ids) // drop the spare capacity of appending
				li.codes = make([]int8, len(li.ids)*f.stride)
				for p, id := range li.ids {
					h, _ := st.get(id)
					decodeHalf(row, h)
					f.encode(row, li.codes[p*f.stride:(p+1)*f.stride])
				}
			}
		})
	}
	wg.Wait()
}

// snapWriter writes little-endian values, keeping the first error, the byte
// count and a running checksum.
type snapWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	n   int64
	err error
	buf [4 << 10]byte
}

func (sw *snapWriter) bytes(b []byte) {
	if sw.err != nil {
		return
	}
	sw.crc.Write(b)
	n, err := sw.w.Write(b)
	sw.n += int64(n)
	sw.err = err
}

func (sw *snapWriter) u32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	sw.bytes(b[:])
}

func (sw *snapWriter) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	sw.bytes(b[:])
}

func (sw *snapWriter) u32NoSum(v uint32) {
	if sw.err != nil {
		return
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	n, err := sw.w.Write(b[:])
	sw.n += int64(n)
	sw.err = err
}

func (sw *snapWriter) floats(v []float32) {
	for len(v) > 0 {
		n := min(len(v), len(sw.buf)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(sw.buf[4*i:], math.Float32bits(x))
		}
		sw.bytes(sw.buf[:4*n])
		v = v[n:]
	}
}

func (sw *snapWriter) halves(v []uint16) {
	for len(v) > 0 {
		n := min(len(v), len(sw.buf)/2)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint16(sw.buf[2*i:], x)
		}
		sw.bytes(sw.buf[:2*n])
		v = v[n:]
	}
}

// snapReader is snapWriter's counterpart.
type snapReader struct {
	r   *bufio.Reader
	crc hash.Hash32
	n   int64
	err error
	buf [4 << 10]byte
}

func (sr *snapReader) read(b []byte) {
	if sr.err != nil {
		clear(b)
		return
	}
	n, err := io.ReadFull(sr.r, b)
	sr.n += int64(n)
	sr.err = err
	sr.crc.Write(b[:n])
}

func (sr *snapReader) u32() uint32 {
	var b [4]byte
	sr.read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

func (sr *snapReader) u64() uint64 {
	var b [8]byte
	sr.read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// floats reads n floats, growing the result as data arrives so that a
// corrupt count in a short file cannot claim memory the file does not hold.
func (sr *snapReader) floats(n int) []float32 {
	var v []float32
	for len(v) < n && sr.err == nil {
		m := min(n-len(v), len(sr.buf)/4)
		v = append(v, make([]float32, m)...)
		sr.floatsInto(v[len(v)-m:])
	}
	return v
}

func (sr *snapReader) floatsInto(v []float32) {
	for len(v) > 0 {
		n := min(len(v), len(sr.buf)/4)
		sr.read(sr.buf[:4*n])
		for i := range v[:n] {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(sr.buf[4*i:]))
		}
		v = v[n:]
	}
}
