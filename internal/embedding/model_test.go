package embedding

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// testPapers are 1,200 real arXiv listings (every 60th record of the cs
// listings 2025-03..2026-07), as "title. abstract" texts.
func testPapers(tb testing.TB) (texts, titles []string) {
	tb.Helper()
	readJSONLines(tb, "testdata/papers.jsonl.zst", func(line []byte) {
		var rec struct{ Title, Summary string }
		if err := json.Unmarshal(line, &rec); err != nil {
			tb.Fatal(err)
		}
		texts = append(texts, paperText(rec.Title, rec.Summary))
		titles = append(titles, strings.Join(strings.Fields(rec.Title), " "))
	})
	return texts, titles
}

// smallOptions keep unit-test training fast.
var smallOptions = TrainOptions{Dim: 48, Seed: 7}

var (
	trainedOnce  sync.Once
	trainedModel *Model
	trainedErr   error
)

// MustTrainTestModel trains (once per test binary) a small model on the
// test papers.
func MustTrainTestModel(tb testing.TB) *Model {
	tb.Helper()
	trainedOnce.Do(func() {
		texts, _ := testPapers(tb)
		trainedModel, trainedErr = Train(context.Background(), slices.Values(texts), smallOptions)
	})
	if trainedErr != nil {
		tb.Fatal(trainedErr)
	}
	return trainedModel
}

func MustEmbed(tb testing.TB, e Embedder, texts ...string) [][]float32 {
	tb.Helper()
	v, err := e.Embed(context.Background(), texts)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestModelFindsPapersByTitle checks that the model carries meaning: a
// paper's title, embedded alone, finds that paper among 1,200 (the title
// is part of the paper's text, so this is a sanity check, not a benchmark).
func TestModelFindsPapersByTitle(t *testing.T) {
	m := MustTrainTestModel(t)
	texts, titles := testPapers(t)
	docs := MustEmbed(t, m, texts...)
	queries := MustEmbed(t, m, titles...)
	qs := make([]query, len(titles))
	results := make([][]hit, len(titles))
	for i := range titles {
		qs[i] = query{titles[i], i}
		results[i] = exactSearch(docs, queries[i], 10)
	}
	got := evaluate(qs, results)
	t.Logf("titles → papers: %s", got)
	if got.mrr10 < 0.5 {
		t.Errorf("MRR@10 of titles finding their papers = %.3f, want at least 0.5", got.mrr10)
	}
}

func TestModelEmbed(t *testing.T) {
	m := MustTrainTestModel(t)
	if m.Dim() != smallOptions.Dim {
		t.Errorf("Dim() = %d, want %d", m.Dim(), smallOptions.Dim)
	}
	if !strings.HasPrefix(m.Name(), "quire-static-48-") {
		t.Errorf("Name() = %q, want a quire-static-48-… name", m.Name())
	}
	vecs := MustEmbed(t, m, "", "the of and", "zzxqv qqwzz", "Diffusion models for image generation", "LANGUAGE models!")
	for i, want := range []float64{0, 0, 0, 1, 1} {
		if len(vecs[i]) != m.Dim() {
			t.Fatalf("vector %d has length %d, want %d", i, len(vecs[i]), m.Dim())
		}
		if n := math.Sqrt(float64(dot(vecs[i], vecs[i]))); math.Abs(n-want) > 1e-5 {
			t.Errorf("vector %d has norm %g, want %g", i, n, want)
		}
	}
	// Case and punctuation do not matter; word order does, through the
	// phrases the model knows ("language models" is one in these papers).
	same := MustEmbed(t, m, "language models", "Models, language.")
	if diff := cmp.Diff(vecs[4], same[0]); diff != "" {
		t.Errorf("Embed(%q) differs from Embed(%q):\n%s", "LANGUAGE models!", "language models", diff)
	}
	if _, ok := m.ids["languag"+phraseSep+"model"]; !ok {
		t.Fatalf("the model has no vector for the phrase \"language models\" (%d terms)", m.Terms())
	}
	if c := dot(same[0], same[1]); c > 0.999 {
		t.Errorf("cosine of %q and %q = %g: the phrase made no difference", "language models", "models language", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Embed(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Embed with a cancelled context: error %v, want context.Canceled", err)
	}
}

func TestModelMarshal(t *testing.T) {
	m := MustTrainTestModel(t)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Model
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if got.Name() != m.Name() || got.Dim() != m.Dim() || got.Terms() != m.Terms() {
		t.Errorf("decoded Name, Dim, Terms = %q, %d, %d; want %q, %d, %d", got.Name(), got.Dim(), got.Terms(), m.Name(), m.Dim(), m.Terms())
	}
	texts, _ := testPapers(t)
	if diff := cmp.Diff(MustEmbed(t, m, texts[:50]...), MustEmbed(t, &got, texts[:50]...)); diff != "" {
		t.Errorf("decoded model embeds differently (-want +got):\n%s", diff)
	}
	again, _ := got.MarshalBinary()
	if !slices.Equal(data, again) {
		t.Error("re-encoding a decoded model changed its bytes")
	}
}

// TestTrainDeterministic checks that the same catalogue and seed give the
// same model, and that other data or another seed give another name.
func TestTrainDeterministic(t *testing.T) {
	m := MustTrainTestModel(t)
	texts, _ := testPapers(t)
	opts := smallOptions
	opts.Workers = 1 // the counting order differs from the shared model's
	again, err := Train(context.Background(), slices.Values(texts), opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Name() != m.Name() {
		t.Errorf("retraining gave %q, want %q", again.Name(), m.Name())
	}
	other, err := Train(context.Background(), slices.Values(texts[:1000]), smallOptions)
	if err != nil {
		t.Fatal(err)
	}
	if other.Name() == m.Name() {
		t.Errorf("training on other papers gave the same name %q", m.Name())
	}
}

func TestTrainErrors(t *testing.T) {
	_, err := Train(context.Background(), slices.Values([]string{"one paper. about nothing much"}), TrainOptions{})
	if !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("Train on one paper: error %v, want ErrInvalid", err)
	}
	_, err = Train(context.Background(), slices.Values([]string(nil)), TrainOptions{})
	if !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("Train on nothing: error %v, want ErrInvalid", err)
	}
	_, err = Train(context.Background(), slices.Values([]string{"a. b"}), TrainOptions{Dim: 1 << 20})
	if !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("Train with a huge dimension: error %v, want ErrInvalid", err)
	}
	texts, _ := testPapers(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, slices.Values(texts), smallOptions); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: error %v, want context.Canceled", err)
	}
}

func TestUnmarshalBinaryCorrupt(t *testing.T) {
	m := MustTrainTestModel(t)
	data, _ := m.MarshalBinary()
	for _, cut := range []int{0, 3, 4, 5, 10, 20, 100, len(data) / 2, len(data) - 1} {
		var got Model
		if err := got.UnmarshalBinary(data[:cut]); err == nil {
			t.Errorf("UnmarshalBinary(first %d of %d bytes) succeeded", cut, len(data))
		}
	}
	var got Model
	if err := got.UnmarshalBinary(append(slices.Clone(data), 0)); err == nil {
		t.Error("UnmarshalBinary with a trailing byte succeeded")
	}
	bad := slices.Clone(data)
	copy(bad, "XEMB")
	if err := got.UnmarshalBinary(bad); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("UnmarshalBinary with a bad magic: error %v", err)
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	m := MustTrainTestModel(f)
	data, _ := m.MarshalBinary()
	f.Add(data[:200])
	f.Add([]byte("QEMB\x01\x07analyze\x02\x02\x01\x01a\x01b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := m.UnmarshalBinary(data); err != nil {
			return
		}
		// A model that decodes must embed without panicking.
		v, err := m.Embed(context.Background(), []string{"a b c", strings.Join(m.terms, " ")})
		if err != nil || len(v[0]) != m.Dim() {
			t.Fatalf("Embed after decoding: %v, %d dims", err, len(v[0]))
		}
	})
}

func TestTokenizer(t *testing.T) {
	tok := newTokenizer()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"The state of the art", []string{"state", "art"}},
		{"Test-time scaling of LLMs", []string{"test", "time", "scale", "llms"}},
		{"Über naïve café", []string{"uber", "naiv", "cafe"}},
	}
	for _, tc := range tests {
		got := tok.appendTerms(nil, tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("appendTerms(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}
