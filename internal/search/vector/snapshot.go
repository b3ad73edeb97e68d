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

	"quire"
)

// A snapshot is little-endian binary:
//
//	magic "QVECTORS", version uint32, dim uint32, count uint64, trained uint8
//	if trained: lists uint32, probe uint32, own probe uint32 (from version 3),
//	            trainedOn uint64, recall float64,
//	            centroids lists×dim float32, quantiser ranges dim float32
//	count records in ascending id order: id uint32, list int32, dim float16
//	CRC-32C of everything before it, uint32
//
// Codes are not stored: they are recomputed from the vectors on load, which
// is cheaper than reading them and keeps the file a third smaller. Version
// 1 snapshots, whose vectors are float32, and version 2, without the own
// probe count (Neighbours then scans as many lists as queries), are still
// read.
const (
	snapshotMagic   = "QVECTORS"
	snapshotVersion = 3
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes a snapshot of the index to w. Updates wait until it is done.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	sw := &snapWriter{w: bufio.NewWriterSize(w, 1<<16), crc: crc32.New(castagnoli)}
	sw.bytes([]byte(snapshotMagic))
	sw.u32(snapshotVersion)
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
	}
	ix.st.each(func(id uint32, c *chunk, i int) {
		sw.u32(id)
		sw.u32(uint32(c.list[i]))
		sw.halves(c.row(i, ix.dim))
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
	}

	st := store{dim: ix.dim}
	row := make([]float32, ix.dim)
	var last int64 = -1
	for range count {
		id, l := sr.u32(), int32(sr.u32())
		if version == 1 {
			sr.floatsInto(row)
		}
		if sr.err != nil {
			return store{}, nil, sr.err
		}
		if int64(id) <= last {
			return store{}, nil, quire.Invalidf("snapshot ids out of order")
		}
		last = int64(id)
		if (f == nil && l != -1) || (f != nil && (l < 0 || int(l) >= f.nlist)) {
			return store{}, nil, quire.Invalidf("snapshot list number is corrupt")
		}
		c, i := st.alloc(id)
		if version == 1 {
			encodeHalf(c.row(i, ix.dim), row)
		} else {
			sr.halvesInto(c.row(i, ix.dim))
		}
		if f != nil {
			li := &f.lists[l]
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
	if f != nil {
		ix.encodeLists(f, &st)
	}
	return st, f, nil
}

// encodeLists computes the codes of every list from the vectors, the
// lists shared out among Params.Workers goroutines: it is most of the
// work of loading a snapshot, and a node that restarts beside busy ones
// gets its index back sooner for using both cores.
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

func (sr *snapReader) halvesInto(v []uint16) {
	for len(v) > 0 {
		n := min(len(v), len(sr.buf)/2)
		sr.read(sr.buf[:2*n])
		for i := range v[:n] {
			v[i] = binary.LittleEndian.Uint16(sr.buf[2*i:])
		}
		v = v[n:]
	}
}
