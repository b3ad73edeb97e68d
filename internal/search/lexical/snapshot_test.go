package lexical

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/search/analyze"
)

// MustSnapshot writes ix to a file and returns its bytes.
func MustSnapshot(tb testing.TB, ix *Index) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "lexical.snap")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := ix.WriteTo(f)
	if err != nil {
		tb.Fatalf("WriteTo: %v", err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if int64(len(data)) != n {
		tb.Fatalf("WriteTo returned %d, wrote %d bytes", n, len(data))
	}
	return data
}

func TestSnapshotRoundTrip(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	// Leave deleted and replaced documents, a frozen segment and a
	// non-empty mutable one in the snapshot.
	for i := 0; i < len(docs); i += 7 {
		ix.Delete(uint32(i))
		nv.delete(uint32(i))
	}
	for i := 1; i < len(docs); i += 11 {
		ix.Add(uint32(i), docs[(i*13)%len(docs)])
		nv.add(uint32(i), docs[(i*13)%len(docs)])
	}
	g := newQueryGen(an, docs, 7)
	var reqs []Request
	for i := range 80 {
		reqs = append(reqs, Request{Should: g.terms(1 + i%5), K: 25})
	}
	for range 20 {
		ph := g.phrase(3)
		reqs = append(reqs, Request{Should: nonEmpty(ph), Must: [][]string{ph}, MustNot: [][]string{g.terms(1)}, K: 25})
	}
	reqs = append(reqs, Request{Should: analysed(an, "learning"), Authors: [][]string{NameWords(docs[5].Authors[0])}, K: 25})
	before := make([][]Hit, len(reqs))
	for i, r := range reqs {
		before[i] = ix.Search(r)
	}
	ex := ix.Expand("lan", 10)

	data := MustSnapshot(t, ix)
	loaded := New(an, Params{})
	n, err := loaded.ReadFrom(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadFrom: %v", err)
	}
	if n != int64(len(data)) {
		t.Errorf("ReadFrom read %d of %d bytes", n, len(data))
	}
	if loaded.Len() != ix.Len() {
		t.Fatalf("Len() = %d after loading, want %d", loaded.Len(), ix.Len())
	}
	for i, r := range reqs {
		if diff := cmp.Diff(before[i], loaded.Search(r)); diff != "" {
			t.Errorf("Search(%q must %q) after loading mismatch (-want +got):\n%s", r.Should, r.Must, diff)
		}
		want, scores := nv.search(r)
		checkHits(t, fmt.Sprintf("loaded %q", r.Should), loaded.Search(r), want, scores, r.K)
	}
	if diff := cmp.Diff(ex, loaded.Expand("lan", 10)); diff != "" {
		t.Errorf("Expand after loading mismatch (-want +got):\n%s", diff)
	}

	// A loaded index keeps working: add, replace, delete, compact, snapshot again.
	for i := range 300 {
		id := uint32(len(docs) + i)
		loaded.Add(id, docs[i])
		nv.add(id, docs[i])
		loaded.Delete(uint32(3 * i))
		nv.delete(uint32(3 * i))
	}
	loaded.Compact()
	for _, r := range reqs {
		want, scores := nv.search(r)
		checkHits(t, fmt.Sprintf("loaded and changed %q", r.Should), loaded.Search(r), want, scores, r.K)
	}
	again := New(an, Params{})
	if _, err := again.ReadFrom(bytes.NewReader(MustSnapshot(t, loaded))); err != nil {
		t.Fatalf("second ReadFrom: %v", err)
	}
	for _, r := range reqs {
		if diff := cmp.Diff(loaded.Search(r), again.Search(r)); diff != "" {
			t.Errorf("second round trip %q mismatch (-want +got):\n%s", r.Should, diff)
		}
	}
}

func TestSnapshotErrors(t *testing.T) {
	docs := MustSampleDocs(t)
	an := analyze.New()
	ix := New(an, Params{})
	for i, d := range docs {
		ix.Add(uint32(i), d)
	}
	data := MustSnapshot(t, ix)
	query := Request{Should: analysed(an, "model data"), K: 10}
	want := ix.Search(query)

	flipped := bytes.Clone(data)
	flipped[len(flipped)/2] ^= 0x10
	otherWeights := New(an, Params{TitleWeight: 2})
	for _, tc := range []struct {
		name string
		ix   *Index
		data []byte
		want error
	}{
		{"empty", New(an, Params{}), nil, quire.ErrInvalid},
		{"not a snapshot", New(an, Params{}), []byte("definitely not a snapshot of anything"), quire.ErrInvalid},
		{"truncated header", New(an, Params{}), data[:12], quire.ErrInvalid},
		{"truncated", New(an, Params{}), data[:len(data)*2/3], quire.ErrInvalid},
		{"no checksum", New(an, Params{}), data[:len(data)-4], quire.ErrInvalid},
		{"flipped bit", New(an, Params{}), flipped, quire.ErrInvalid},
		{"other version", New(an, Params{}), withVersion(data, 99), ErrIncompatible},
		{"other weights", otherWeights, data, ErrIncompatible},
	} {
		// The target index holds documents; a failed load leaves them.
		tc.ix.Add(0, docs[0])
		_, err := tc.ix.ReadFrom(bytes.NewReader(tc.data))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: ReadFrom error = %v, want %v", tc.name, err, tc.want)
		}
		if tc.ix.Len() != 1 {
			t.Errorf("%s: failed load changed the index: Len() = %d", tc.name, tc.ix.Len())
		}
	}
	// The original still loads and answers the same.
	ok := New(an, Params{})
	if _, err := ok.ReadFrom(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, ok.Search(query)); diff != "" {
		t.Errorf("Search after load mismatch (-want +got):\n%s", diff)
	}
}

func withVersion(data []byte, v byte) []byte {
	d := bytes.Clone(data)
	d[len(snapMagic)] = v
	return d
}

func TestSnapshotEmptyIndex(t *testing.T) {
	an := analyze.New()
	data := MustSnapshot(t, New(an, Params{}))
	ix := New(an, Params{})
	ix.Add(3, Doc{Title: "to be replaced"})
	if _, err := ix.ReadFrom(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 0 {
		t.Errorf("Len() = %d after loading an empty snapshot", ix.Len())
	}
	ix.Add(1, Doc{Title: "Scaling laws for language models"})
	if got := ix.Search(Request{Should: analysed(an, "scaling")}); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("Search after loading empty snapshot and adding = %v", got)
	}
}

// A snapshot damaged in a way the checksum cannot see (the damage is
// re-checksummed here) must be refused or load into an index that still
// answers without failing.
func TestSnapshotDamageBehindChecksum(t *testing.T) {
	docs := MustSampleDocs(t)
	an := analyze.New()
	ix := New(an, Params{})
	ix.memMax = 64
	for i, d := range docs {
		ix.Add(uint32(i), d)
	}
	ix.Delete(3)
	data := MustSnapshot(t, ix)
	rng := rand.New(rand.NewPCG(8, 8))
	queries := []Request{
		{Should: analysed(an, "model data learning quantum"), K: 10},
		{Should: analysed(an, "neural"), Must: [][]string{analysed(an, "neural network")}, MustNot: [][]string{analysed(an, "graph")}, K: 10},
		{Authors: [][]string{{"yuan"}}, K: 5},
	}
	refused := 0
	for i := range 400 {
		d := bytes.Clone(data)
		pos := 12 + rng.IntN(len(d)-16)
		d[pos] ^= byte(1 + rng.IntN(255))
		if i%4 == 0 { // damage a run of bytes
			for j := pos; j < min(pos+8, len(d)-4); j++ {
				d[j] = byte(rng.IntN(256))
			}
		}
		body := d[:len(d)-4]
		binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.Checksum(body, castagnoli))
		loaded := New(an, Params{})
		if _, err := loaded.ReadFrom(bytes.NewReader(d)); err != nil {
			if !errors.Is(err, quire.ErrInvalid) && !errors.Is(err, ErrIncompatible) {
				t.Fatalf("damage at %d: error %v is neither invalid nor incompatible", pos, err)
			}
			refused++
			continue
		}
		for _, q := range queries {
			loaded.Search(q)
		}
		loaded.Expand("mo", 5)
		loaded.Add(9999, docs[0])
		loaded.Delete(uint32(rng.IntN(len(docs))))
		loaded.Compact()
		loaded.Search(queries[0])
	}
	t.Logf("%d of 400 damaged snapshots refused", refused)
}

// FuzzReadFrom feeds ReadFrom arbitrary input: it must refuse it as
// invalid or incompatible, or load an index that answers without failing;
// and never panic or allocate for lengths the input does not hold.
func FuzzReadFrom(f *testing.F) {
	docs := MustSampleDocs(f)
	an := analyze.New()
	ix := New(an, Params{})
	for i, d := range docs[:40] {
		ix.Add(uint32(i), d)
	}
	ix.Delete(3)
	f.Add(MustSnapshot(f, ix))
	f.Add(MustSnapshot(f, New(an, Params{})))
	query := Request{Should: analysed(an, "model data learning"), K: 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		loaded := New(an, Params{})
		if _, err := loaded.ReadFrom(bytes.NewReader(data)); err != nil {
			if !errors.Is(err, quire.ErrInvalid) && !errors.Is(err, ErrIncompatible) {
				t.Fatalf("ReadFrom error %v is neither invalid nor incompatible", err)
			}
			return
		}
		loaded.Search(query)
		loaded.Add(9999, docs[0])
		loaded.Search(query)
	})
}
