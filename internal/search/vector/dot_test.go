package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The kernels are checked against float64 and int64 references for every
// length that exercises a different path through the assembly (multiples of
// 32, 16 and 8, and tails), and against the portable Go versions.
func TestDotKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 64, 100, 128, 256, 300, 384, 768} {
		for _, rows := range []int{1, 3, 4, 5, 9} {
			q := randVec(rng, d)
			m := make([]float32, rows*d)
			for i := range m {
				m[i] = float32(rng.NormFloat64())
			}
			got := make([]float32, rows)
			dotRows(q, m, got)
			for r := range rows {
				row := m[r*d : (r+1)*d]
				var want float64
				for i := range d {
					want += float64(q[i]) * float64(row[i])
				}
				if math.Abs(float64(got[r])-want) > 1e-4*math.Sqrt(float64(d)) {
					t.Errorf("dotRows(d=%d, rows=%d)[%d] = %v, want %v", d, rows, r, got[r], want)
				}
				if g := dot(q, row); math.Abs(float64(g)-want) > 1e-4*math.Sqrt(float64(d)) {
					t.Errorf("dot(d=%d) = %v, want %v", d, g, want)
				}
				if g := dotGeneric(q, row); math.Abs(float64(g)-want) > 1e-4*math.Sqrt(float64(d)) {
					t.Errorf("dotGeneric(d=%d) = %v, want %v", d, g, want)
				}
			}
		}
	}
}

func TestDotCodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{16, 32, 48, 64, 304, 768} {
		for _, rows := range []int{1, 2, 7} {
			q := make([]int16, d)
			for i := range q {
				q[i] = int16(rng.IntN(2*qMax+1) - qMax)
			}
			codes := make([]int8, rows*d)
			for i := range codes {
				codes[i] = int8(rng.IntN(255) - 127)
			}
			// Extreme values must not overflow.
			q[0], codes[0] = qMax, 127
			got := make([]int32, rows)
			dotCodes(q, codes, got)
			for r := range rows {
				var want int64
				for i := range d {
					want += int64(q[i]) * int64(codes[r*d+i])
				}
				if int64(got[r]) != want {
					t.Errorf("dotCodes(d=%d, rows=%d)[%d] = %d, want %d", d, rows, r, got[r], want)
				}
				if g := dotCodesGeneric(q, codes[r*d:(r+1)*d]); int64(g) != want {
					t.Errorf("dotCodesGeneric(d=%d)[%d] = %d, want %d", d, r, g, want)
				}
			}
		}
	}
}

func BenchmarkDotRows256(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := randVec(rng, 256)
	m := make([]float32, 256*256)
	for i := range m {
		m[i] = float32(rng.NormFloat64())
	}
	out := make([]float32, 256)
	b.SetBytes(int64(len(m) * 4))
	for b.Loop() {
		dotRows(q, m, out)
	}
}

func BenchmarkDotGeneric256(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := randVec(rng, 256)
	m := randVec(rng, 256)
	b.SetBytes(256 * 4)
	for b.Loop() {
		dotGeneric(q, m)
	}
}

func BenchmarkDot256(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := randVec(rng, 256)
	m := randVec(rng, 256)
	b.SetBytes(256 * 4)
	for b.Loop() {
		dot(q, m)
	}
}

func BenchmarkDotCodes256(b *testing.B) {
	q := make([]int16, 256)
	codes := make([]int8, 256*256)
	for i := range q {
		q[i] = int16(i)
	}
	out := make([]int32, 256)
	b.SetBytes(int64(len(codes)))
	for b.Loop() {
		dotCodes(q, codes, out)
	}
}

func BenchmarkDotCodesGeneric256(b *testing.B) {
	q := make([]int16, 256)
	codes := make([]int8, 256)
	b.SetBytes(256)
	for b.Loop() {
		dotCodesGeneric(q, codes)
	}
}

// BenchmarkNearest measures assigning rows to 2,000 centroids of 256
// dimensions, the core of training and of Build's assignment.
func BenchmarkNearest(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const dim, k, rows = 256, 2000, 1024
	cents := make([]float32, k*dim)
	for i := range cents {
		cents[i] = float32(rng.NormFloat64())
	}
	x := make([]float32, rows*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	best := make([]int32, rows)
	var a assigner
	for b.Loop() {
		a.nearest(x, dim, cents, best)
	}
	b.ReportMetric(float64(rows*k*dim)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gmuladd/s")
}
