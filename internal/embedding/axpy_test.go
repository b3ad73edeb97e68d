package embedding

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAxpyInt8 checks the kernel and its Go version against the plain
// loop, for every length up to a few blocks of eight, at the extremes of
// int8.
func TestAxpyInt8(t *testing.T) {
	t.Run("dispatch", func(t *testing.T) { testAxpyInt8(t, axpyInt8) })
	t.Run("go", func(t *testing.T) { testAxpyInt8(t, axpyInt8Go) })
}

func testAxpyInt8(t *testing.T, axpyInt8 func(float32, []int8, []float32)) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 70 {
		row := make([]int8, n)
		for i := range row {
			row[i] = int8(rng.IntN(256) - 128)
		}
		if n > 1 {
			row[0], row[n-1] = -128, 127
		}
		dst := make([]float32, n)
		want := make([]float32, n)
		for i := range dst {
			dst[i] = rng.Float32()*2 - 1
			want[i] = dst[i]
		}
		alpha := rng.Float32()*4 - 2
		axpyInt8(alpha, row, dst)
		for i := range want {
			want[i] += alpha * float32(row[i])
			// A fused multiply-add rounds once, the plain loop twice.
			if d := math.Abs(float64(dst[i] - want[i])); d > 1e-5*max(1, math.Abs(float64(want[i]))) {
				t.Fatalf("n=%d: dst[%d] = %g, want %g (useAVX2 %v)", n, i, dst[i], want[i], useAVX2)
			}
		}
	}
}
