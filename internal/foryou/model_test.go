package foryou

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// unit returns v scaled to unit length.
func unit(v ...float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / math.Sqrt(s))
	}
	return out
}

func TestTrain(t *testing.T) {
	// Positives lean to the first axis, negatives to the second.
	examples := []Example{
		{Vec: unit(1, 0.1, 0), Positive: true, Weight: 1},
		{Vec: unit(0.9, 0, 0.2), Positive: true, Weight: 1},
		{Vec: unit(0.1, 1, 0), Weight: 1},
		{Vec: unit(0, 0.9, 0.3), Weight: 1},
		{Vec: unit(0.2, 1, 0.1), Weight: 1},
		{Vec: unit(0, 1, 0), Weight: 1},
	}
	m, err := Train(examples, 3, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range examples {
		if got := m.Score(e.Vec) > 0; got != e.Positive {
			t.Errorf("Score(example %d) = %v, want positive = %v", i, m.Score(e.Vec), e.Positive)
		}
	}
	if m.Score(unit(1, 0, 0)) <= m.Score(unit(0.5, 0.5, 0)) {
		t.Errorf("an unseen paper on the positives' axis scores %v, below a mixed one's %v", m.Score(unit(1, 0, 0)), m.Score(unit(0.5, 0.5, 0)))
	}
	// Training is a function of the examples: the same model again, and
	// a warm start from it stays where it is.
	again, _ := Train(examples, 3, TrainOptions{})
	if diff := cmp.Diff(m, again); diff != "" {
		t.Errorf("Train twice mismatch (-first +second):\n%s", diff)
	}
	warm, _ := Train(examples, 3, TrainOptions{Init: m, Iterations: 5})
	for i, e := range examples {
		if d := math.Abs(float64(warm.Score(e.Vec) - m.Score(e.Vec))); d > 0.5 {
			t.Errorf("warm start moved example %d by %v", i, d)
		}
	}
}

func TestTrainInvalid(t *testing.T) {
	pos := Example{Vec: unit(1, 0), Positive: true, Weight: 1}
	neg := Example{Vec: unit(0, 1), Weight: 1}
	for _, tc := range []struct {
		name     string
		examples []Example
		dim      int
	}{
		{"none", nil, 2},
		{"positives only", []Example{pos, pos}, 2},
		{"negatives only", []Example{neg}, 2},
		{"zero-weight positive", []Example{{Vec: unit(1, 0), Positive: true}, neg}, 2},
		{"wrong dimension", []Example{pos, neg}, 3},
		{"negative weight", []Example{pos, {Vec: unit(0, 1), Weight: -1}}, 2},
		{"NaN weight", []Example{pos, {Vec: unit(0, 1), Weight: math.NaN()}}, 2},
	} {
		if _, err := Train(tc.examples, tc.dim, TrainOptions{}); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("%s: Train error = %v, want ErrInvalid", tc.name, err)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []float32
		ok   bool
	}{
		// scale 0.5 (0x3f000000), codes 3 and -4: (1.5, -2) → (0.6, -0.8)
		{"vector", []byte{0, 0, 0, 0x3f, 3, 0xfc}, []float32{0.6, -0.8}, true},
		{"zero scale", []byte{0, 0, 0, 0, 3, 4}, nil, false},
		{"zero codes", []byte{0, 0, 0, 0x3f, 0, 0}, nil, false},
		{"too short", []byte{0, 0, 0, 0x3f}, nil, false},
		{"NaN scale", []byte{0, 0, 0xc0, 0x7f, 1}, nil, false},
	} {
		got, ok := Decode(tc.in)
		if ok != tc.ok || !approx(got, tc.want) {
			t.Errorf("%s: Decode = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func approx(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

// randomUnit returns n random unit vectors of dim dimensions, in one
// backing array as Recommender decodes them.
func randomUnit(rng *rand.Rand, n, dim int) [][]float32 {
	out := make([][]float32, n)
	all := make([]float32, n*dim)
	for i := range out {
		v := all[i*dim : (i+1)*dim : (i+1)*dim]
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		copy(v, unit(v...))
		out[i] = v
	}
	return out
}

var day0 = time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
