package foryou

import (
	"encoding/binary"
	"math"
)

// Decode returns the unit vector of a stored embedding (quire.Embedding):
// internal/search stores a float32 scale, little-endian, followed by one
// int8 per dimension. ok is false for a malformed or zero vector.
func Decode(b []byte) (v []float32, ok bool) {
	if len(b) < 5 {
		return nil, false
	}
	return decodeTo(make([]float32, len(b)-4), b)
}

// decodeTo is Decode into dst, which has len(b)-4 elements.
func decodeTo(dst []float32, b []byte) ([]float32, bool) {
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b))
	if scale == 0 || math.IsNaN(float64(scale)) || math.IsInf(float64(scale), 0) {
		return nil, false
	}
	var norm float64
	for i := range dst {
		dst[i] = float32(int8(b[4+i])) * scale
		norm += float64(dst[i]) * float64(dst[i])
	}
	if norm == 0 {
		return nil, false
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range dst {
		dst[i] *= inv
	}
	return dst, true
}
