// Package foryou ranks papers for one member: a linear model over the
// search engine's paper vectors, learned from what the member upvoted,
// saved and opened against what they marked "not interested" and papers
// drawn from the candidates, in the manner of arxiv-sanity's per-user SVM
// over tf-idf. Before there is enough to learn from, the member's chosen
// categories, authors and seed papers stand in. The model is small enough to
// learn on each request: a few hundred examples of a few hundred dimensions
// train in a few milliseconds (see BenchmarkRecommend).
package foryou

import (
	"math"

	"quire"
	"quire/internal/search/vector"
)

// Example is one training example: a paper's unit vector, whether the
// member likes it, and how much it counts.
type Example struct {
	Vec      []float32
	Positive bool
	Weight   float64
}

// Model scores papers by the inner product of its weights with their
// vectors, plus a bias: the logit of "the member likes it".
type Model struct {
	W []float32
	B float32
}

// Score returns the model's logit for vector v.
func (m *Model) Score(v []float32) float32 {
	return vector.Dot(m.W, v) + m.B
}

// TrainOptions tune Train; zero fields take the defaults.
type TrainOptions struct {
	// Lambda is the L2 penalty on the weights (default 0.01, the best of
	// 0.003 to 0.1 on the simulation of bench/foryou): the weights of a
	// member with few signals stay small, so popularity and chosen
	// interests still count for them.
	Lambda float64
	// Iterations of gradient descent (default 30: on the simulation of
	// bench/foryou, 15, 30 and 60 rank alike, within 0.002 of MRR).
	Iterations int
	// Init starts training from an earlier model of the same member, so
	// that few iterations suffice when a signal or two was added.
	Init *Model
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Lambda <= 0 {
		o.Lambda = 0.01
	}
	if o.Iterations <= 0 {
		o.Iterations = 30
	}
	return o
}

// Train fits an L2-regularised logistic regression to examples, each class
// weighted to half the total so that a handful of positives is not drowned
// by many negatives (scikit-learn's class_weight="balanced"). It runs
// full-batch gradient descent with Nesterov momentum, so the result depends
// on the examples only, never on an order or a seed. Every vector must have
// dim components; Train needs at least one example of each class.
func Train(examples []Example, dim int, opts TrainOptions) (*Model, error) {
	opts = opts.withDefaults()
	var posW, negW float64
	for _, e := range examples {
		if len(e.Vec) != dim {
			return nil, quire.Invalidf("foryou: example of %d dimensions, want %d", len(e.Vec), dim)
		}
		if e.Weight < 0 || math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
			return nil, quire.Invalidf("foryou: example weight %v", e.Weight)
		}
		if e.Positive {
			posW += e.Weight
		} else {
			negW += e.Weight
		}
	}
	if posW == 0 || negW == 0 {
		return nil, quire.Invalidf("foryou: training needs positive and negative examples")
	}
	// Each class sums to 1/2, so the loss is a weighted mean.
	scale := make([]float32, len(examples))
	for i, e := range examples {
		if e.Positive {
			scale[i] = float32(e.Weight / (2 * posW))
		} else {
			scale[i] = float32(e.Weight / (2 * negW))
		}
	}
	w := make([]float32, dim)
	var b float32
	if opts.Init != nil && len(opts.Init.W) == dim {
		copy(w, opts.Init.W)
		b = opts.Init.B
	}
	// Vectors are unit length, so the loss's curvature is at most
	// 1/4 + Lambda (1/4 bounds the logistic's), and 1/L is a safe step.
	lambda := float32(opts.Lambda)
	step := 1 / (0.25 + lambda)
	vw, vb := make([]float32, dim), float32(0) // momentum
	look, grad := make([]float32, dim), make([]float32, dim)
	for it := 0; it < opts.Iterations; it++ {
		mu := float32(it) / float32(it+3)
		for j := range look {
			look[j] = w[j] + mu*vw[j]
		}
		lb := b + mu*vb
		for j := range grad {
			grad[j] = lambda * look[j]
		}
		var gb float32
		for i, e := range examples {
			p := sigmoid(vector.Dot(look, e.Vec) + lb)
			y := float32(0)
			if e.Positive {
				y = 1
			}
			g := scale[i] * (p - y)
			axpy(g, e.Vec, grad)
			gb += g
		}
		for j := range w {
			vw[j] = mu*vw[j] - step*grad[j]
			w[j] += vw[j]
		}
		vb = mu*vb - step*gb
		b += vb
	}
	return &Model{W: w, B: b}, nil
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}

// axpy adds a·x to y.
func axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}
