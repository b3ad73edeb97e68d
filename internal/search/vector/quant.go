package vector

import "math"

// queryMax bounds the widened query's components (see dotCodesAVX2). The
// stored codes have 8 bits; the query gets 13, which costs nothing in the
// kernel and removes the query's share of the rounding error.
const queryMax = 4095

// quantizer turns vectors into int8 codes with one scale per dimension.
// A per-dimension scale suits embeddings whose leading dimensions carry
// most of the variance (as SVD-reduced ones do): small dimensions keep
// their resolution instead of sharing the largest component's step.
type quantizer struct {
	dim    int
	stride int       // code length: dim rounded up to 16 for the kernel
	maxAbs []float32 // largest magnitude trained on, per dimension (code 127)
	scale  []float32 // value of code 1 in each dimension
	inv    []float32 // 1/scale
}

// newQuantizer fits the scales to the largest magnitude seen in each
// dimension of the sample (rows of dim floats); later vectors that exceed
// it are clipped.
func newQuantizer(sample []float32, dim int) quantizer {
	maxAbs := make([]float32, dim)
	for r := 0; r+dim <= len(sample); r += dim {
		for i, x := range sample[r : r+dim] {
			maxAbs[i] = max(maxAbs[i], float32(math.Abs(float64(x))))
		}
	}
	return quantizerFromMax(maxAbs)
}

func quantizerFromMax(maxAbs []float32) quantizer {
	dim := len(maxAbs)
	q := quantizer{
		dim:    dim,
		stride: (dim + 15) &^ 15,
		maxAbs: make([]float32, dim),
		scale:  make([]float32, dim),
		inv:    make([]float32, dim),
	}
	for i, m := range maxAbs {
		if !(m > 0) || math.IsInf(float64(m), 0) {
			m = 1
		}
		q.maxAbs[i] = m
		q.scale[i] = m / 127
		q.inv[i] = 127 / m
	}
	return q
}

// encode writes the codes of v to dst[:stride].
func (q *quantizer) encode(v []float32, dst []int8) {
	dst = dst[:q.stride]
	for i, x := range v[:q.dim] {
		c := math.Round(float64(x * q.inv[i]))
		dst[i] = int8(max(-127, min(127, c)))
	}
	clear(dst[q.dim:])
}

// query writes to dst[:stride] the widened query whose inner product with
// a vector's codes is proportional to the query's approximate inner
// product with the vector.
func (q *quantizer) query(v []float32, dst []int16) {
	dst = dst[:q.stride]
	var m float32
	for i, x := range v[:q.dim] {
		m = max(m, float32(math.Abs(float64(x*q.scale[i]))))
	}
	clear(dst)
	if m == 0 {
		return
	}
	f := queryMax / m
	for i, x := range v[:q.dim] {
		dst[i] = int16(math.Round(float64(x * q.scale[i] * f)))
	}
}
