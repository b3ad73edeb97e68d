package embedding

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// The built-in model needs a truncated SVD of a large sparse matrix. These
// are the few pieces it takes, written for that one job: a CSR matrix, its
// products with tall dense matrices, a QR step and a small symmetric
// eigensolver. Dense matrices are row-major float32 (memory); reductions
// are float64 (accuracy).

// csr is a sparse rows×cols matrix in compressed sparse row form.
type csr struct {
	rows, cols int
	ptr        []int64 // row i holds entries ptr[i]..ptr[i+1]
	col        []uint32
	val        []float32
}

// dense is a row-major rows×cols matrix.
type dense struct {
	rows, cols int
	d          []float32
}

func newDense(rows, cols int) *dense {
	return &dense{rows: rows, cols: cols, d: make([]float32, rows*cols)}
}

func (m *dense) row(i int) []float32 { return m.d[i*m.cols : (i+1)*m.cols] }

// parallelRows runs f over [0,n) split into contiguous chunks, one per worker.
func parallelRows(n, workers int, f func(w, lo, hi int)) {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// mul returns m·x.
func (m *csr) mul(x *dense, workers int) *dense {
	y := newDense(m.rows, x.cols)
	parallelRows(m.rows, workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y.row(i)
			for k := m.ptr[i]; k < m.ptr[i+1]; k++ {
				axpy(m.val[k], x.row(int(m.col[k])), yi)
			}
		}
	})
	return y
}

// mulT returns mᵀ·x. Worker w computes the output rows ≡ w modulo the
// worker count, scanning all of m: no two workers write the same row, and
// each row is summed in the same order whatever the number of workers, so
// the result does not depend on it.
func (m *csr) mulT(x *dense, workers int) *dense {
	y := newDense(m.cols, x.cols)
	workers = max(1, workers)
	parallelRows(workers, workers, func(w, _, _ int) {
		for i := range m.rows {
			xi := x.row(i)
			for k := m.ptr[i]; k < m.ptr[i+1]; k++ {
				if j := int(m.col[k]); j%workers == w {
					axpy(m.val[k], xi, y.row(j))
				}
			}
		}
	})
	return y
}

// reduceChunks is the fixed number of parts a sum over rows is split into,
// so that its rounding, and so the trained model, does not depend on the
// number of workers.
const reduceChunks = 16

// gram returns aᵀa as a cols×cols float64 matrix.
func gram(a *dense, workers int) []float64 {
	n := a.cols
	parts := make([][]float64, reduceChunks)
	chunks := make(chan int, reduceChunks)
	for c := range reduceChunks {
		chunks <- c
	}
	close(chunks)
	parallelRows(max(1, min(workers, reduceChunks)), workers, func(_, _, _ int) {
		r := make([]float64, n)
		for c := range chunks {
			g := make([]float64, n*n)
			for i := a.rows * c / reduceChunks; i < a.rows*(c+1)/reduceChunks; i++ {
				for j, v := range a.row(i) {
					r[j] = float64(v)
				}
				for j, rj := range r {
					if rj == 0 {
						continue
					}
					dot64Axpy(rj, r[j:], g[j*n+j:(j+1)*n])
				}
			}
			parts[c] = g
		}
	})
	g := parts[0]
	for _, p := range parts[1:] {
		for i := range g {
			g[i] += p[i]
		}
	}
	for j := range n {
		for k := j + 1; k < n; k++ {
			g[k*n+j] = g[j*n+k]
		}
	}
	return g
}

// orthonormalize replaces the columns of a by an orthonormal basis of their
// span by Cholesky QR, repeated passes times (two give orthogonality to
// machine precision; one is enough between power iterations). Columns that
// are numerically dependent on earlier ones become zero.
func orthonormalize(a *dense, passes, workers int) {
	n := a.cols
	for range passes {
		r := cholesky(gram(a, workers), n)
		rt := make([]float64, n*n) // Rᵀ, so that column j of R is contiguous
		for i := range n {
			for j := range n {
				rt[j*n+i] = r[i*n+j]
			}
		}
		parallelRows(a.rows, workers, func(_, lo, hi int) {
			q := make([]float64, n)
			for i := lo; i < hi; i++ {
				row := a.row(i)
				// Solve q·R = row by forward substitution.
				for j := range n {
					d := rt[j*n+j]
					if d == 0 {
						q[j] = 0
						continue
					}
					q[j] = (float64(row[j]) - dot64(q[:j], rt[j*n:j*n+j])) / d
				}
				for j, v := range q {
					row[j] = float32(v)
				}
			}
		})
	}
}

// dot64 returns the inner product of a and b (len(b) ≥ len(a)).
func dot64(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
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

// dot64Axpy adds alpha·x to y (len(y) ≤ len(x)).
func dot64Axpy(alpha float64, x, y []float64) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}

// cholesky returns the upper-triangular R with RᵀR = g, zeroing the rows of
// R whose pivots are negligible (dependent columns).
func cholesky(g []float64, n int) []float64 {
	r := make([]float64, n*n)
	maxDiag := 0.0
	for j := range n {
		maxDiag = max(maxDiag, g[j*n+j])
	}
	tol := maxDiag * 1e-11
	for j := range n {
		s := g[j*n+j]
		for k := range j {
			s -= r[k*n+j] * r[k*n+j]
		}
		if s <= tol || maxDiag == 0 {
			continue // dependent column: leave row j of R zero
		}
		d := math.Sqrt(s)
		r[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := g[j*n+i]
			for k := range j {
				s -= r[k*n+j] * r[k*n+i]
			}
			r[j*n+i] = s / d
		}
	}
	return r
}

// symEigen returns the eigenvalues of the symmetric n×n matrix a in
// decreasing order and the matching eigenvectors as the columns of v
// (cyclic Jacobi; n is a few hundred at most).
func symEigen(a []float64, n int) (vals []float64, v []float64) {
	a = append([]float64(nil), a...)
	v = make([]float64, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 60; sweep++ {
		off := 0.0
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if math.Abs(apq) < 1e-300 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // rotate columns p and q
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p] = c*akp - s*akq
					a[k*n+q] = s*akp + c*akq
				}
				for k := range n { // rotate rows p and q
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k] = c*apk - s*aqk
					a[q*n+k] = s*apk + c*aqk
				}
				for k := range n {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return a[order[i]*n+order[i]] > a[order[j]*n+order[j]] })
	vals = make([]float64, n)
	sorted := make([]float64, n*n)
	for c, o := range order {
		vals[c] = a[o*n+o]
		for k := range n {
			sorted[k*n+c] = v[k*n+o]
		}
	}
	return vals, sorted
}

// truncatedSVD returns the top k left singular vectors of m, each column j
// scaled by σ_j^power (a rows×k matrix), and the singular values, by the
// randomized range finder of Halko, Martinsson and Tropp with power
// iterations. Components beyond the matrix's rank are zero.
func truncatedSVD(m *csr, k, oversample, powerIters int, power float64, seed uint64, workers int) (*dense, []float64) {
	l := min(k+oversample, m.cols, m.rows)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	omega := newDense(m.cols, l)
	for i := range omega.d {
		omega.d[i] = float32(rng.NormFloat64())
	}
	q := m.mul(omega, workers)
	orthonormalize(q, 1, workers)
	for it := range powerIters {
		z := m.mulT(q, workers)
		orthonormalize(z, 1, workers)
		q = m.mul(z, workers)
		passes := 1
		if it == powerIters-1 {
			passes = 2
		}
		orthonormalize(q, passes, workers)
	}
	if powerIters == 0 {
		orthonormalize(q, 1, workers)
	}
	// B = Qᵀm is l×cols; BBᵀ = ZᵀZ with Z = mᵀQ.
	z := m.mulT(q, workers)
	vals, vecs := symEigen(gram(z, workers), l)
	sigma := make([]float64, k)
	coef := make([]float64, l*k) // W[:, :k]·diag(σ^power)
	for j := range min(k, l) {
		sigma[j] = math.Sqrt(max(vals[j], 0))
		scale := 0.0
		if sigma[j] > 0 {
			scale = math.Pow(sigma[j], power)
		}
		for i := range l {
			coef[i*k+j] = vecs[i*l+j] * scale
		}
	}
	u := newDense(m.rows, k)
	parallelRows(m.rows, workers, func(_, lo, hi int) {
		acc := make([]float64, k)
		for i := lo; i < hi; i++ {
			clear(acc)
			for a, qa := range q.row(i) {
				if qa == 0 {
					continue
				}
				dot64Axpy(float64(qa), coef[a*k:(a+1)*k], acc)
			}
			ui := u.row(i)
			for j, v := range acc {
				ui[j] = float32(v)
			}
		}
	})
	return u, sigma
}
