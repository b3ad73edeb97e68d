package vector

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"quire"
)

// MustSnapshot returns ix written as a snapshot.
func MustSnapshot(tb testing.TB, ix *Index) []byte {
	tb.Helper()
	var buf bytes.Buffer
	n, err := ix.WriteTo(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	if n != int64(buf.Len()) {
		tb.Fatalf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
	}
	return buf.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	d := topics(7, 12000, 50, 64)
	p := Params{MinTrain: 5000}
	trained := MustBuild(t, d, p)
	// Leave the lists in an order a fresh build would not produce.
	for id := uint32(0); id < 12000; id += 7 {
		trained.Delete(id)
	}
	for id := uint32(0); id < 300; id++ {
		MustAdd(t, trained, 20000+id, d.vecs[id])
	}
	untrained := MustNew(t, 64, p)
	for i, v := range d.vecs[:100] {
		MustAdd(t, untrained, uint32(i)*3, v)
	}

	for _, tc := range []struct {
		name string
		ix   *Index
	}{{"trained", trained}, {"untrained", untrained}, {"empty", MustNew(t, 64, p)}} {
		t.Run(tc.name, func(t *testing.T) {
			snap := MustSnapshot(t, tc.ix)
			got := MustNew(t, 64, p)
			n, err := got.ReadFrom(bytes.NewReader(snap))
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(snap)) {
				t.Errorf("ReadFrom returned %d, snapshot has %d bytes", n, len(snap))
			}
			MustCheck(t, got)
			if diff := cmp.Diff(tc.ix.Stats(), got.Stats(), cmpopts.IgnoreFields(Stats{}, "Bytes")); diff != "" {
				t.Errorf("Stats() mismatch after round trip (-want +got):\n%s", diff)
			}
			for _, q := range d.queries {
				if diff := cmp.Diff(MustSearch(t, tc.ix, q, 20), MustSearch(t, got, q, 20)); diff != "" {
					t.Fatalf("Search mismatch after round trip (-want +got):\n%s", diff)
				}
			}
			if again := MustSnapshot(t, got); !bytes.Equal(again, snap) {
				t.Errorf("snapshot of the restored index differs from the original")
			}
		})
	}
}

// TestSnapshotVersion2 reads a snapshot written before the own probe count
// was kept: searches from the index's own vectors then scan as many lists
// as queries.
func TestSnapshotVersion2(t *testing.T) {
	d := topics(7, 12000, 50, 64)
	p := Params{MinTrain: 5000}
	ix := MustBuild(t, d, p)
	v3 := mustSnapshotVersion(t, ix, 3)
	// magic 8, version 4, dim 4, count 8, trained 1, lists 4, probe 4, then
	// the own probe count (4) that version 2 lacks; the checksum last.
	const own = 8 + 4 + 4 + 8 + 1 + 4 + 4
	v2 := append([]byte(nil), v3[:8]...)
	v2 = binary.LittleEndian.AppendUint32(v2, 2)
	v2 = append(v2, v3[12:own]...)
	v2 = append(v2, v3[own+4:len(v3)-4]...)
	v2 = binary.LittleEndian.AppendUint32(v2, crc32.Checksum(v2, castagnoli))
	got := MustNew(t, 64, p)
	if _, err := got.ReadFrom(bytes.NewReader(v2)); err != nil {
		t.Fatal(err)
	}
	st := got.Stats()
	if st.OwnProbe != st.Probe || st.Probe != ix.Stats().Probe {
		t.Errorf("version 2: Stats() = %+v; want the own probe count equal to the probe count %d", st, ix.Stats().Probe)
	}
	for id := uint32(0); id < 12000; id += 997 {
		v, _ := got.Vector(id, nil)
		if diff := cmp.Diff(MustSearch(t, got, v, 10), mustNeighbours(t, got, id, 10)); diff != "" {
			t.Errorf("version 2: Neighbours(%d) differs from Search through as many lists (-search +neighbours):\n%s", id, diff)
		}
	}
}

// TestSnapshotVersion3 reads a snapshot written before the codes were
// stored: they are computed again from the vectors, and the index is the
// same but for codes rounded from half-precision vectors.
func TestSnapshotVersion3(t *testing.T) {
	d := topics(7, 12000, 50, 64)
	p := Params{MinTrain: 5000}
	ix := MustBuild(t, d, p)
	v3 := mustSnapshotVersion(t, ix, 3)
	got := MustNew(t, 64, p)
	if _, err := got.ReadFrom(bytes.NewReader(v3)); err != nil {
		t.Fatal(err)
	}
	MustCheck(t, got)
	if again := mustSnapshotVersion(t, got, 3); !bytes.Equal(again, v3) {
		t.Errorf("version 3 snapshot of the restored index differs from the original")
	}
	if diff := cmp.Diff(ix.Stats(), got.Stats(), cmpopts.IgnoreFields(Stats{}, "Bytes")); diff != "" {
		t.Errorf("Stats() after reading version 3 (-want +got):\n%s", diff)
	}
	// Codes computed from the stored half-precision vectors may differ
	// by one step from those computed from the float32 vectors when they
	// were added, so only the ranking by full vectors is compared: the
	// same best hit for each of the index's own vectors.
	for id := uint32(0); id < 12000; id += 499 {
		v, _ := ix.Vector(id, nil)
		want, have := MustSearch(t, ix, v, 1), MustSearch(t, got, v, 1)
		if want[0].ID != have[0].ID {
			t.Errorf("Search(vector %d) after reading version 3: best hit %d, want %d", id, have[0].ID, want[0].ID)
		}
	}
}

// mustSnapshotVersion returns ix written as a snapshot of an earlier
// format version.
func mustSnapshotVersion(tb testing.TB, ix *Index, version uint32) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := ix.writeSnapshot(&buf, version); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustNeighbours(tb testing.TB, ix *Index, id uint32, k int) []Hit {
	tb.Helper()
	hs, err := ix.Neighbours(id, k)
	if err != nil {
		tb.Fatal(err)
	}
	return hs
}

func TestSnapshotRejectsDamage(t *testing.T) {
	d := topics(8, 6000, 10, 32)
	src := MustBuild(t, d, Params{MinTrain: 5000})
	snap := MustSnapshot(t, src)
	other, err := New(16, Params{})
	if err != nil {
		t.Fatal(err)
	}
	otherSnap := MustSnapshot(t, other)

	flip := func(i int) []byte {
		b := bytes.Clone(snap)
		b[i] ^= 0x10
		return b
	}
	// The list sizes follow the header (53 bytes), the centroids and the
	// quantiser's ranges.
	sizes := 53 + src.Stats().Lists*32*4 + 32*4
	// mend recomputes the checksum, so that the damage must be found by
	// the checks of the contents.
	mend := func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not a snapshot", []byte("hello, this is not a snapshot at all")},
		{"other dimension", otherSnap},
		{"future version", flip(8)},
		{"header cut", snap[:20]},
		{"body cut", snap[:len(snap)/2]},
		{"checksum cut", snap[:len(snap)-1]},
		{"vector damaged", flip(len(snap) / 2)},
		{"checksum damaged", flip(len(snap) - 1)},
		{"list count damaged", flip(25)},
		{"list size damaged", flip(sizes + 4*3 + 1)},
		{"list size damaged, checksum mended", mend(flip(sizes + 4*3 + 1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := MustBuild(t, dataset{dim: 32, vecs: d.vecs[:10]}, Params{MinTrain: 5000})
			before := MustSnapshot(t, ix)
			if _, err := ix.ReadFrom(bytes.NewReader(tc.data)); !errors.Is(err, quire.ErrInvalid) {
				t.Errorf("ReadFrom(%s) error = %v, want ErrInvalid", tc.name, err)
			}
			if after := MustSnapshot(t, ix); !bytes.Equal(before, after) {
				t.Errorf("ReadFrom(%s) changed the index", tc.name)
			}
		})
	}
}

// FuzzReadFrom feeds ReadFrom damaged snapshots: it must refuse them or
// leave a consistent index, and never panic or claim memory the input
// does not hold.
func FuzzReadFrom(f *testing.F) {
	p := Params{MinTrain: 200, Lists: 8}
	d := topics(3, 300, 0, 8)
	trained := MustBuild(f, d, p)
	untrained := MustNew(f, 8, p)
	for i, v := range d.vecs[:20] {
		MustAdd(f, untrained, uint32(i)*5, v)
	}
	f.Add(MustSnapshot(f, trained))
	f.Add(mustSnapshotVersion(f, trained, 3))
	f.Add(MustSnapshot(f, untrained))
	f.Add(MustSnapshot(f, MustNew(f, 8, p)))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix := MustNew(t, 8, p)
		if _, err := ix.ReadFrom(bytes.NewReader(data)); err != nil {
			if !errors.Is(err, quire.ErrInvalid) {
				t.Fatalf("ReadFrom error = %v, want ErrInvalid", err)
			}
			return
		}
		MustCheck(t, ix)
	})
}
