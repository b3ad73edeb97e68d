// Package embedding turns text into unit-length vectors for semantic search:
// the Embedder interface, a built-in model learned from the catalogue itself
// (no download, no network), and a client for OpenAI-compatible servers.
package embedding

import (
	"context"
	"math"
)

// An Embedder maps texts to vectors whose cosine similarity reflects how
// close the texts are in meaning. Implementations are safe for concurrent use.
type Embedder interface {
	// Name identifies the model and its training; vectors made by embedders
	// of different names must never be compared or stored together.
	Name() string
	// Dim is the length of every vector Embed returns.
	Dim() int
	// Embed returns one unit-length vector per text, in order. A text that
	// carries no information for the model (empty, or only unknown words)
	// gets the zero vector.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// normalize scales v to unit length in place and reports whether it could
// (a zero or non-finite vector cannot be normalised and is set to zeros).
func normalize(v []float32) bool {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		clear(v)
		return false
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return true
}

// dot returns the inner product of two vectors of equal length.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// axpy adds alpha·x to y.
func axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}
