package embedding

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestContrastiveGradient checks the analytic gradient of the contrastive
// loss with respect to the unnormalised query and document sums against
// finite differences.
func TestContrastiveGradient(t *testing.T) {
	const n, dim, temp = 4, 5, 0.1
	rng := rand.New(rand.NewPCG(1, 2))
	qs, ds := newDense(n, dim), newDense(n, dim)
	for i := range qs.d {
		qs.d[i] = float32(rng.NormFloat64())
		ds.d[i] = float32(rng.NormFloat64())
	}
	loss := func() float64 {
		qe, de := newDense(n, dim), newDense(n, dim)
		for i := range n {
			copy(qe.row(i), qs.row(i))
			copy(de.row(i), ds.row(i))
			normalize(qe.row(i))
			normalize(de.row(i))
		}
		l := 0.0
		for i := range n {
			var rowSum, colSum float64
			for j := range n {
				rowSum += math.Exp(float64(dot(qe.row(i), de.row(j))) / temp)
				colSum += math.Exp(float64(dot(qe.row(j), de.row(i))) / temp)
			}
			diag := float64(dot(qe.row(i), de.row(i))) / temp
			l += (math.Log(rowSum) - diag + math.Log(colSum) - diag) / (2 * n)
		}
		return l
	}
	// Analytic.
	qe, de := newDense(n, dim), newDense(n, dim)
	qn, dn := make([]float32, n), make([]float32, n)
	for i := range n {
		copy(qe.row(i), qs.row(i))
		copy(de.row(i), ds.row(i))
		qn[i] = float32(math.Sqrt(float64(dot(qe.row(i), qe.row(i)))))
		dn[i] = float32(math.Sqrt(float64(dot(de.row(i), de.row(i)))))
		normalize(qe.row(i))
		normalize(de.row(i))
	}
	logits := make([]float64, n*n)
	for i := range n {
		for j := range n {
			logits[i*n+j] = float64(dot(qe.row(i), de.row(j))) / temp
		}
	}
	g := softmaxGrad(logits, n, temp)
	gq, gd := newDense(n, dim), newDense(n, dim)
	for i := range n {
		for j := range n {
			axpy(float32(g[i*n+j]), de.row(j), gq.row(i))
			axpy(float32(g[j*n+i]), qe.row(j), gd.row(i))
		}
		unnormGrad(gq.row(i), qe.row(i), qn[i])
		unnormGrad(gd.row(i), de.row(i), dn[i])
	}
	// Numeric.
	const h = 1e-3
	for _, m := range []struct {
		name string
		x, g *dense
	}{{"query", qs, gq}, {"document", ds, gd}} {
		for k := range m.x.d {
			orig := m.x.d[k]
			m.x.d[k] = orig + h
			up := loss()
			m.x.d[k] = orig - h
			down := loss()
			m.x.d[k] = orig
			num := (up - down) / (2 * h)
			if math.Abs(num-float64(m.g.d[k])) > 2e-3*(1+math.Abs(num)) {
				t.Errorf("%s gradient [%d] = %g, finite difference %g", m.name, k, m.g.d[k], num)
			}
		}
	}
}
