package search

import (
	"encoding/binary"
	"errors"
	"math"
)

// Vectors are stored as int8 with one float32 scale per vector: a quarter of
// float32's size (1M papers × 256 dimensions is 260 MB instead of 1 GB), and
// for unit vectors the cosine moves by well under 0.01.

func encodeVector(v []float32) []byte {
	var maxAbs float32
	for _, x := range v {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	b := make([]byte, 4+len(v))
	scale := maxAbs / 127
	binary.LittleEndian.PutUint32(b, math.Float32bits(scale))
	if scale == 0 {
		return b
	}
	for i, x := range v {
		b[4+i] = byte(int8(math.Round(float64(x / scale))))
	}
	return b
}

var errBadVector = errors.New("search: malformed stored vector")

func decodeVector(b []byte, dim int) ([]float32, error) {
	if len(b) != 4+dim {
		return nil, errBadVector
	}
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b))
	v := make([]float32, dim)
	var norm float64
	for i := range v {
		v[i] = float32(int8(b[4+i])) * scale
		norm += float64(v[i]) * float64(v[i])
	}
	// Quantising moved the length a little; indexes expect unit vectors.
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range v {
			v[i] *= inv
		}
	}
	return v, nil
}
