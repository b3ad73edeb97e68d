package embedding

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// randomCSR returns a sparse rows×cols matrix of rank at most rank (a sum
// of rank sparse outer products with decaying weights) and its dense form.
func randomCSR(rows, cols, rank int, seed uint64) (*csr, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	full := make([][]float64, rows)
	for i := range full {
		full[i] = make([]float64, cols)
	}
	for r := range rank {
		u := make([]float64, rows)
		v := make([]float64, cols)
		for i := range u {
			if rng.IntN(3) == 0 {
				u[i] = rng.NormFloat64()
			}
		}
		for j := range v {
			if rng.IntN(3) == 0 {
				v[j] = rng.NormFloat64()
			}
		}
		w := math.Pow(0.7, float64(r))
		for i := range u {
			for j := range v {
				full[i][j] += w * u[i] * v[j]
			}
		}
	}
	m := &csr{rows: rows, cols: cols, ptr: []int64{0}}
	for i := range full {
		for j, x := range full[i] {
			if x != 0 {
				m.col = append(m.col, uint32(j))
				m.val = append(m.val, float32(x))
			}
		}
		m.ptr = append(m.ptr, int64(len(m.col)))
	}
	return m, full
}

func TestSymEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 12
	a := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			a[i*n+j] = rng.NormFloat64()
			a[j*n+i] = a[i*n+j]
		}
	}
	vals, vecs := symEigen(a, n)
	if !slices.IsSortedFunc(vals, func(x, y float64) int { return -cmpFloat(x, y) }) {
		t.Errorf("eigenvalues not decreasing: %v", vals)
	}
	for k := range n {
		for i := range n { // (A·v)_i = λ v_i
			s := 0.0
			for j := range n {
				s += a[i*n+j] * vecs[j*n+k]
			}
			if math.Abs(s-vals[k]*vecs[i*n+k]) > 1e-9 {
				t.Fatalf("A·v ≠ λv for eigenpair %d (row %d: %g vs %g)", k, i, s, vals[k]*vecs[i*n+k])
			}
		}
	}
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func TestOrthonormalize(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := newDense(300, 20)
	for i := range a.d {
		a.d[i] = float32(rng.NormFloat64())
	}
	// Make column 7 a copy of column 2: it must come out as zero.
	for i := range a.rows {
		a.row(i)[7] = a.row(i)[2]
	}
	orthonormalize(a, 2, 3)
	g := gram(a, 2)
	for i := range 20 {
		for j := range 20 {
			want := 0.0
			if i == j && i != 7 {
				want = 1
			}
			if math.Abs(g[i*20+j]-want) > 1e-5 {
				t.Errorf("QᵀQ[%d][%d] = %g, want %g", i, j, g[i*20+j], want)
			}
		}
	}
}

// TestTruncatedSVD compares the randomized SVD of a low-rank sparse matrix
// with the exact singular values (from the eigenvalues of MᵀM) and checks
// that U·Σ reproduces M·V.
func TestTruncatedSVD(t *testing.T) {
	m, full := randomCSR(150, 90, 8, 7)
	n := m.cols
	mtm := make([]float64, n*n)
	for _, row := range full {
		for i := range n {
			for j := range n {
				mtm[i*n+j] += row[i] * row[j]
			}
		}
	}
	vals, _ := symEigen(mtm, n)
	var want []float64
	for _, v := range vals[:10] {
		want = append(want, math.Sqrt(max(v, 0)))
	}
	u, sigma := truncatedSVD(m, 10, 6, 2, 1, 42, 2)
	if diff := cmp.Diff(want, sigma, cmpopts.EquateApprox(1e-4, 1e-4)); diff != "" {
		t.Errorf("singular values mismatch (-want +got):\n%s", diff)
	}
	// Columns of U·Σ (power 1) have norms σ_j and are orthogonal.
	g := gram(u, 1)
	for i := range 10 {
		for j := range 10 {
			w := 0.0
			if i == j {
				w = want[i] * want[i]
			}
			if math.Abs(g[i*10+j]-w) > 1e-3*(1+w) {
				t.Errorf("(UΣ)ᵀ(UΣ)[%d][%d] = %g, want %g", i, j, g[i*10+j], w)
			}
		}
	}
	// Rank 8: components 9 and 10 are zero.
	for _, s := range sigma[8:] {
		if s > 1e-3 {
			t.Errorf("singular value beyond the rank = %g, want 0", s)
		}
	}
}

func TestCSRMul(t *testing.T) {
	m, full := randomCSR(40, 30, 3, 9)
	x := newDense(30, 5)
	y := newDense(40, 5)
	for i := range x.d {
		x.d[i] = float32(i%7) - 3
	}
	for i := range y.d {
		y.d[i] = float32(i%5) - 2
	}
	got := m.mul(x, 3)
	gotT := m.mulT(y, 3)
	for i := range 40 {
		for k := range 5 {
			s := 0.0
			for j := range 30 {
				s += full[i][j] * float64(x.row(j)[k])
			}
			if math.Abs(s-float64(got.row(i)[k])) > 1e-3 {
				t.Fatalf("(M·X)[%d][%d] = %g, want %g", i, k, got.row(i)[k], s)
			}
		}
	}
	for j := range 30 {
		for k := range 5 {
			s := 0.0
			for i := range 40 {
				s += full[i][j] * float64(y.row(i)[k])
			}
			if math.Abs(s-float64(gotT.row(j)[k])) > 1e-3 {
				t.Fatalf("(Mᵀ·Y)[%d][%d] = %g, want %g", j, k, gotT.row(j)[k], s)
			}
		}
	}
}
