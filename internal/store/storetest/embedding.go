package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func testModels(t *testing.T, s quire.Store) {
	if _, err := s.FindModel(ctx(t), "catalogue"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindModel(missing) error = %v, want ErrNotFound", err)
	}
	// A model of realistic size, holding every byte value.
	data := make([]byte, 16<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	first := &quire.Model{Name: "catalogue", Kind: "ppmi-svd", Data: data, CreatedAt: ts("2026-07-01T12:00:00Z")}
	mustSaveModel(t, s, first)
	mustFindModel(t, s, first)

	// Saving under the same name replaces kind, data and time.
	second := &quire.Model{Name: "catalogue", Kind: "ppmi-svd-v2", Data: []byte{0, 1, 0, 0xff},
		CreatedAt: ts("2026-07-02T08:30:00+02:00")}
	mustSaveModel(t, s, second)
	want := *second
	want.CreatedAt = ts("2026-07-02T06:30:00Z")
	mustFindModel(t, s, &want)

	other := &quire.Model{Name: "x'; DROP TABLE models; --", Kind: "openai", CreatedAt: ts("2026-01-01T00:00:00Z")}
	mustSaveModel(t, s, other)
	mustFindModel(t, s, other)
	mustFindModel(t, s, &want)

	// Without a time, the store records when it saved the model.
	untimed := &quire.Model{Name: "untimed", Kind: "ppmi-svd", Data: []byte("x")}
	mustSaveModel(t, s, untimed)
	if got, err := s.FindModel(ctx(t), "untimed"); err != nil || got.CreatedAt.IsZero() {
		t.Errorf("FindModel(untimed) = %+v, %v; want a creation time", got, err)
	}

	for _, m := range []*quire.Model{
		{Name: "", Kind: "k"},
		{Name: "a\x00b", Kind: "k"},
		{Name: "bad \xff", Kind: "k"},
		{Name: "no kind"},
	} {
		if err := s.SaveModel(ctx(t), m); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("SaveModel(%q, kind %q) error = %v, want ErrInvalid", m.Name, m.Kind, err)
		}
	}
	for _, name := range []string{"", "a\x00b", "bad \xff", "catalogue "} {
		if _, err := s.FindModel(ctx(t), name); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("FindModel(%q) error = %v, want ErrNotFound", name, err)
		}
	}
}

func mustSaveModel(t *testing.T, s quire.Store, m *quire.Model) {
	t.Helper()
	if err := s.SaveModel(ctx(t), m); err != nil {
		t.Fatalf("SaveModel(%q): %v", m.Name, err)
	}
}

func mustFindModel(t *testing.T, s quire.Store, want *quire.Model) {
	t.Helper()
	got, err := s.FindModel(ctx(t), want.Name)
	if err != nil {
		t.Fatalf("FindModel(%q): %v", want.Name, err)
	}
	// The data is compared apart: a diff of two large models is unreadable.
	if !bytes.Equal(got.Data, want.Data) || (got.Data == nil) != (want.Data == nil) {
		t.Errorf("FindModel(%q) data differs: %d bytes (nil: %v), want %d (nil: %v)",
			want.Name, len(got.Data), got.Data == nil, len(want.Data), want.Data == nil)
	}
	g, w := *got, *want
	g.Data, w.Data = nil, nil
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("FindModel(%q) mismatch (-want +got):\n%s", want.Name, diff)
	}
}

// vector is a distinct, deterministic 1 KiB vector holding NUL and bytes
// that are not UTF-8.
func vector(seed int) []byte {
	v := make([]byte, 1024)
	for i := range v {
		v[i] = byte(seed*31 + i*i)
	}
	v[0], v[1] = 0, 0xff
	return v
}

func embeddingIDs(es []quire.Embedding) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.PaperID)
	}
	return out
}

func testEmbeddings(t *testing.T, s quire.Store) {
	ps := numbered(10)
	MustUpsertPapers(t, s, ps...)
	feedEnd := lastSeq(MustFindPaperChanges(t, s, 0, 100))
	var batch []quire.Embedding
	want := map[string][]byte{}
	for _, i := range []int{7, 2, 9, 0, 4, 1, 8, 3, 6, 5} {
		batch = append(batch, quire.Embedding{PaperID: ps[i].ID, Vector: vector(i)})
		want[ps[i].ID] = vector(i)
	}
	// An unknown paper is skipped; a paper given twice keeps its last vector.
	batch = append(batch, quire.Embedding{PaperID: "2999.00001", Vector: vector(99)},
		quire.Embedding{PaperID: ps[3].ID, Vector: vector(33)},
		quire.Embedding{PaperID: "bad\x00id", Vector: vector(98)})
	want[ps[3].ID] = vector(33)
	mustUpsertEmbeddings(t, s, "catalogue-v1", batch)

	got := mustFindEmbeddings(t, s, "catalogue-v1", "", 100)
	wantIDs := []string{}
	for _, p := range ps {
		wantIDs = append(wantIDs, p.ID)
	}
	if diff := cmp.Diff(wantIDs, embeddingIDs(got)); diff != "" {
		t.Errorf("FindEmbeddings ids mismatch (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if !bytes.Equal(want[e.PaperID], e.Vector) {
			t.Errorf("vector of %s = %x…, want %x…", e.PaperID, e.Vector[:min(8, len(e.Vector))], want[e.PaperID][:8])
		}
	}

	// Paging by paper id visits every vector once.
	var paged []string
	for after := ""; ; {
		page := mustFindEmbeddings(t, s, "catalogue-v1", after, 3)
		if len(page) == 0 {
			break
		}
		paged = append(paged, embeddingIDs(page)...)
		after = page[len(page)-1].PaperID
		if len(paged) > 20 {
			t.Fatal("paging does not end")
		}
	}
	if diff := cmp.Diff(wantIDs, paged); diff != "" {
		t.Errorf("paged embeddings mismatch (-want +got):\n%s", diff)
	}

	// Replacing one vector, and a second model beside the first.
	mustUpsertEmbeddings(t, s, "catalogue-v1", []quire.Embedding{{PaperID: ps[5].ID, Vector: []byte("new")}})
	if got := mustFindEmbeddings(t, s, "catalogue-v1", ps[4].ID, 1); len(got) != 1 || string(got[0].Vector) != "new" {
		t.Errorf("replaced vector = %v, want \"new\"", got)
	}
	mustUpsertEmbeddings(t, s, "x'; DROP TABLE embeddings; --", []quire.Embedding{
		{PaperID: ps[1].ID, Vector: vector(1)}, {PaperID: ps[0].ID, Vector: vector(0)}})
	if got := embeddingIDs(mustFindEmbeddings(t, s, "x'; DROP TABLE embeddings; --", "", 10)); !cmp.Equal(got, wantIDs[:2]) {
		t.Errorf("second model's embeddings = %v, want %v", got, wantIDs[:2])
	}
	if got := mustFindEmbeddings(t, s, "catalogue-v2", "", 10); len(got) != 0 {
		t.Errorf("embeddings of an unknown model = %v, want none", embeddingIDs(got))
	}

	// Vectors do not move papers in the change feed.
	if cs := MustFindPaperChanges(t, s, feedEnd, 100); len(cs) != 0 {
		t.Errorf("feed after storing vectors = %v, want none", changeIDs(cs))
	}

	// Deleting one model's vectors leaves the other's.
	if err := s.DeleteEmbeddings(ctx(t), "catalogue-v1"); err != nil {
		t.Fatalf("DeleteEmbeddings: %v", err)
	}
	if got := mustFindEmbeddings(t, s, "catalogue-v1", "", 10); len(got) != 0 {
		t.Errorf("embeddings after delete = %v, want none", embeddingIDs(got))
	}
	if got := mustFindEmbeddings(t, s, "x'; DROP TABLE embeddings; --", "", 10); len(got) != 2 {
		t.Errorf("other model's embeddings after delete = %v, want 2", embeddingIDs(got))
	}
	for _, model := range []string{"never stored", "a\x00b", ""} {
		if err := s.DeleteEmbeddings(ctx(t), model); err != nil {
			t.Errorf("DeleteEmbeddings(%q): %v", model, err)
		}
	}
}

func testEmbeddingsInvalid(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(2)...)
	good := quire.Embedding{PaperID: "2501.00001", Vector: vector(1)}
	for _, tc := range []struct {
		name, model string
		vectors     []quire.Embedding
	}{
		{"no model", "", []quire.Embedding{good}},
		{"NUL in model", "m\x00", []quire.Embedding{good}},
		{"empty vector", "m", []quire.Embedding{good, {PaperID: "2501.00002"}}},
	} {
		err := s.UpsertEmbeddings(ctx(t), tc.model, tc.vectors)
		if !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("UpsertEmbeddings(%s) error = %v, want ErrInvalid", tc.name, err)
		}
	}
	// A refused batch stores nothing.
	if got := mustFindEmbeddings(t, s, "m", "", 10); len(got) != 0 {
		t.Errorf("embeddings after a refused batch = %v, want none", embeddingIDs(got))
	}
	if err := s.UpsertEmbeddings(ctx(t), "m", nil); err != nil {
		t.Errorf("UpsertEmbeddings(no vectors): %v", err)
	}
	for _, limit := range []int{0, -3} {
		if _, err := s.FindEmbeddings(ctx(t), "m", "", limit); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FindEmbeddings(limit %d) error = %v, want ErrInvalid", limit, err)
		}
		if _, err := s.FindPapersWithoutEmbedding(ctx(t), "m", "", limit); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FindPapersWithoutEmbedding(limit %d) error = %v, want ErrInvalid", limit, err)
		}
	}
	for _, after := range []string{"2501\x00", "\xff"} {
		if _, err := s.FindEmbeddings(ctx(t), "m", after, 10); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FindEmbeddings(after %q) error = %v, want ErrInvalid", after, err)
		}
		if _, err := s.FindPapersWithoutEmbedding(ctx(t), "m", after, 10); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FindPapersWithoutEmbedding(after %q) error = %v, want ErrInvalid", after, err)
		}
	}
	// Any text is a paging position, even one no paper has.
	if got := mustFindEmbeddings(t, s, "m", "'; DROP TABLE embeddings; --", 10); len(got) != 0 {
		t.Errorf("FindEmbeddings(hostile position) = %v", embeddingIDs(got))
	}
}

// testEmbeddingsLargeBatch stores more vectors in one call than a backend
// may send in one statement, and pages through them in large pages.
func testEmbeddingsLargeBatch(t *testing.T, s quire.Store) {
	ps := numbered(5000)
	MustUpsertPapers(t, s, ps...)
	batch := make([]quire.Embedding, len(ps))
	for i, p := range ps {
		batch[i] = quire.Embedding{PaperID: p.ID, Vector: vector(i)}
	}
	mustUpsertEmbeddings(t, s, "big", batch)
	n := 0
	for after := ""; ; {
		page := mustFindEmbeddings(t, s, "big", after, 1000)
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.PaperID != ps[n].ID || !bytes.Equal(e.Vector, vector(n)) {
				t.Fatalf("vector %d is %s, want %s with its vector", n, e.PaperID, ps[n].ID)
			}
			n++
		}
		after = page[len(page)-1].PaperID
	}
	if n != len(ps) {
		t.Errorf("paged %d vectors, want %d", n, len(ps))
	}
	if got := mustPapersWithout(t, s, "big", "", 10); len(got) != 0 {
		t.Errorf("papers without a vector = %v, want none", got)
	}
}

func mustUpsertEmbeddings(t *testing.T, s quire.Store, model string, vectors []quire.Embedding) {
	t.Helper()
	if err := s.UpsertEmbeddings(ctx(t), model, vectors); err != nil {
		t.Fatalf("UpsertEmbeddings(%q): %v", model, err)
	}
}

func mustFindEmbeddings(t *testing.T, s quire.Store, model, after string, limit int) []quire.Embedding {
	t.Helper()
	es, err := s.FindEmbeddings(ctx(t), model, after, limit)
	if err != nil {
		t.Fatalf("FindEmbeddings(%q, %q, %d): %v", model, after, limit, err)
	}
	if es == nil || len(es) > limit {
		t.Fatalf("FindEmbeddings(%q, %q, %d) returned %d vectors (nil: %v)", model, after, limit, len(es), es == nil)
	}
	return es
}

func mustPapersWithout(t *testing.T, s quire.Store, model, after string, limit int) []string {
	t.Helper()
	ps, err := s.FindPapersWithoutEmbedding(ctx(t), model, after, limit)
	if err != nil {
		t.Fatalf("FindPapersWithoutEmbedding(%q, %q, %d): %v", model, after, limit, err)
	}
	if ps == nil || len(ps) > limit {
		t.Fatalf("FindPapersWithoutEmbedding(%q, %q, %d) returned %d papers (nil: %v)", model, after, limit, len(ps), ps == nil)
	}
	ids := []string{}
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func testPapersWithoutEmbedding(t *testing.T, s quire.Store) {
	ps := numbered(10)
	MustUpsertPapers(t, s, ps...)
	var batch []quire.Embedding
	for _, i := range []int{1, 2, 4, 8} {
		batch = append(batch, quire.Embedding{PaperID: ps[i].ID, Vector: vector(i)})
	}
	mustUpsertEmbeddings(t, s, "m", batch)
	mustUpsertEmbeddings(t, s, "other", []quire.Embedding{{PaperID: ps[0].ID, Vector: vector(0)}})

	var got []string
	for after := ""; ; {
		page := mustPapersWithout(t, s, "m", after, 3)
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		after = page[len(page)-1]
		if len(got) > 20 {
			t.Fatal("paging does not end")
		}
	}
	want := []string{"2501.00001", "2501.00004", "2501.00006", "2501.00007", "2501.00008", "2501.00010"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("papers without a vector of m mismatch (-want +got):\n%s", diff)
	}
	if got := mustPapersWithout(t, s, "m", "2501.00006", 2); !cmp.Equal(got, want[3:5]) {
		t.Errorf("page after 2501.00006 = %v, want %v", got, want[3:5])
	}
	// The papers come whole.
	full, err := s.FindPapersWithoutEmbedding(ctx(t), "m", "", 1)
	if err != nil || len(full) != 1 {
		t.Fatalf("FindPapersWithoutEmbedding(m, \"\", 1) = %v, %v", full, err)
	}
	if diff := cmp.Diff(numbered(1)[0], full[0]); diff != "" {
		t.Errorf("paper without a vector mismatch (-want +got):\n%s", diff)
	}
	// A model without vectors, or with a name no model can have, lacks all.
	for _, model := range []string{"never stored", "m\x00", ""} {
		if got := mustPapersWithout(t, s, model, "", 100); len(got) != 10 {
			t.Errorf("papers without a vector of %q = %d, want 10", model, len(got))
		}
	}
	mustUpsertEmbeddings(t, s, "m", []quire.Embedding{{PaperID: ps[9].ID, Vector: vector(9)}})
	if got := mustPapersWithout(t, s, "m", "2501.00008", 10); len(got) != 0 {
		t.Errorf("papers without a vector after 2501.00008 = %v, want none", got)
	}
}

func testSettings(t *testing.T, s quire.Store) {
	if _, err := s.Setting(ctx(t), "search.model"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("Setting(missing) error = %v, want ErrNotFound", err)
	}
	for _, kv := range [][2]string{
		{"search.model", "catalogue-v1"},
		{"search.model", "catalogue-v2"}, // replaces
		{"'; DROP TABLE settings; --", "Robert'); DROP TABLE settings;--"},
		{"multi-line", "{\n\t\"ünïcødé\": \"数学 😀\"\r\n}"},
		{"empty", ""},
	} {
		if err := s.SetSetting(ctx(t), kv[0], kv[1]); err != nil {
			t.Fatalf("SetSetting(%q): %v", kv[0], err)
		}
		if got, err := s.Setting(ctx(t), kv[0]); err != nil || got != kv[1] {
			t.Errorf("Setting(%q) = %q, %v; want %q", kv[0], got, err, kv[1])
		}
	}
	if got, err := s.Setting(ctx(t), "search.model"); err != nil || got != "catalogue-v2" {
		t.Errorf("Setting(search.model) = %q, %v; want the replaced value", got, err)
	}
	for _, kv := range [][2]string{{"", "v"}, {"k\x00", "v"}, {"\xff", "v"}, {"k", "v\x00"}, {"k", "\xfe"}} {
		if err := s.SetSetting(ctx(t), kv[0], kv[1]); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("SetSetting(%q, %q) error = %v, want ErrInvalid", kv[0], kv[1], err)
		}
	}
	for _, key := range []string{"", "k\x00", "\xff", "k"} {
		if _, err := s.Setting(ctx(t), key); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("Setting(%q) error = %v, want ErrNotFound", key, err)
		}
	}
}
