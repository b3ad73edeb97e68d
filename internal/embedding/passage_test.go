package embedding

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPassages(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Too short. Also short", nil},
		{"We study scaling laws of language models. Results hold at every size we tried. Et al. and e.g. fragments go",
			[]string{"We study scaling laws of language models", "Results hold at every size we tried"}},
		{"One sentence without a final stop but with words", []string{"One sentence without a final stop but with words"}},
	} {
		if got := passages(c.text); !cmp.Equal(got, c.want) {
			t.Errorf("passages(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestTermCosines(t *testing.T) {
	m := MustTrainTestModel(t)
	q := MustEmbed(t, m, "diffusion models for image generation")[0]
	got := m.TermCosines([]string{"diffus", "imag", "zzxqv", ""}, q)
	for i, term := range []string{"diffus", "imag"} {
		v := MustEmbed(t, m, term)[0] // a stem analyses to itself
		if want := float64(dot(v, q)); math.Abs(got[i]-want) > 1e-6 {
			t.Errorf("TermCosines %q = %g, want the cosine of its embedding %g", term, got[i], want)
		}
		if got[i] <= 0.1 {
			t.Errorf("TermCosines %q = %g: a word of the query should be close to it", term, got[i])
		}
	}
	if got[2] != 0 || got[3] != 0 {
		t.Errorf("unknown terms got %v, want 0", got[2:])
	}
	if got := m.TermCosines([]string{"diffus"}, q[:3]); got[0] != 0 {
		t.Errorf("a query vector of the wrong length gave %v, want 0", got)
	}
}

func TestBestPassages(t *testing.T) {
	m := MustTrainTestModel(t)
	texts, _ := testPapers(t)
	q := MustEmbed(t, m, "graph neural networks for molecules")[0]
	got, err := m.BestPassages(context.Background(), q, append(texts[:20:20], "", "Short. Bits."))
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range texts[:20] {
		want := -1.0
		for _, v := range MustEmbed(t, m, passages(text)...) {
			want = max(want, float64(dot(v, q)))
		}
		if math.Abs(got[i]-want) > 1e-6 {
			t.Errorf("text %d: best passage %g, want %g", i, got[i], want)
		}
	}
	if got[20] != 0 || got[21] != 0 {
		t.Errorf("texts without passages scored %v, want 0", got[20:])
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.BestPassages(ctx, q, texts[:1]); !errors.Is(err, context.Canceled) {
		t.Errorf("BestPassages with a cancelled context: error %v, want context.Canceled", err)
	}
}

// BenchmarkBestPassages measures what hybrid search adds per query: the
// best passage of 20 real abstracts, with a model of the shipped dimension.
//
//	go test -run '^$' -bench BestPassages ./internal/embedding
func BenchmarkBestPassages(b *testing.B) {
	texts, _ := testPapers(b)
	m, err := Train(context.Background(), slices.Values(texts), TrainOptions{Dim: 256, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	q := MustEmbed(b, m, "sparse attention for long context language models")[0]
	batch := texts[:20]
	bytes := 0
	for _, t := range batch {
		bytes += len(t)
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.BestPassages(context.Background(), q, batch); err != nil {
			b.Fatal(err)
		}
	}
}
