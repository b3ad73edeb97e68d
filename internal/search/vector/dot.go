package vector

// The dot products below are the hot loops of every search and of training.
// On amd64 with AVX2 and FMA they run in assembly (dot_amd64.s); elsewhere,
// and for the tails the assembly leaves, they run as unrolled Go with eight
// independent accumulators so the additions do not wait on one another.

// Dot returns the inner product of a and b[:len(a)], with the kernels of
// the index's own searches, for other packages that score vectors.
func Dot(a, b []float32) float32 { return dot(a, b) }

// dot returns the inner product of a and b[:len(a)].
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	n8 := len(a) &^ 7
	var s float32
	if useAVX2 && n8 > 0 {
		var out [1]float32
		dotRowsAVX2(&a[0], &b[0], n8, n8, 1, &out[0])
		s = out[0]
	} else {
		s = dotGeneric(a[:n8], b[:n8])
	}
	for i := n8; i < len(a); i++ {
		s += a[i] * b[i]
	}
	return s
}

// dotRows sets out[r] to the inner product of q with row r of m, whose rows
// have len(q) elements each and are stored one after another.
func dotRows(q, m, out []float32) {
	d := len(q)
	if len(out) == 0 || d == 0 {
		clear(out)
		return
	}
	m = m[:len(out)*d]
	n8 := d &^ 7
	if useAVX2 && n8 > 0 {
		dotRowsAVX2(&q[0], &m[0], n8, d, len(out), &out[0])
		if n8 < d {
			for r := range out {
				row := m[r*d : (r+1)*d]
				s := out[r]
				for i := n8; i < d; i++ {
					s += q[i] * row[i]
				}
				out[r] = s
			}
		}
		return
	}
	for r := range out {
		out[r] = dotGeneric(q, m[r*d:(r+1)*d])
	}
}

// dotCodes sets out[r] to the inner product of the widened query q with row r
// of codes, whose rows have len(q) elements each; len(q) is a multiple of 16.
func dotCodes(q []int16, codes []int8, out []int32) {
	d := len(q)
	if len(out) == 0 || d == 0 {
		clear(out)
		return
	}
	codes = codes[:len(out)*d]
	if useAVX2 {
		dotCodesAVX2(&q[0], &codes[0], d, len(out), &out[0])
		return
	}
	for r := range out {
		out[r] = dotCodesGeneric(q, codes[r*d:(r+1)*d])
	}
}

func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x := a[i : i+8 : i+8]
		y := b[i : i+8 : i+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

func dotCodesGeneric(q []int16, c []int8) int32 {
	c = c[:len(q)]
	var s0, s1, s2, s3, s4, s5, s6, s7 int32
	i := 0
	for ; i+8 <= len(q); i += 8 {
		x := q[i : i+8 : i+8]
		y := c[i : i+8 : i+8]
		s0 += int32(x[0]) * int32(y[0])
		s1 += int32(x[1]) * int32(y[1])
		s2 += int32(x[2]) * int32(y[2])
		s3 += int32(x[3]) * int32(y[3])
		s4 += int32(x[4]) * int32(y[4])
		s5 += int32(x[5]) * int32(y[5])
		s6 += int32(x[6]) * int32(y[6])
		s7 += int32(x[7]) * int32(y[7])
	}
	for ; i < len(q); i++ {
		s0 += int32(q[i]) * int32(c[i])
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
