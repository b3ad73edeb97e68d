package embedding

import (
	"context"
	"math"
	"math/rand/v2"
)

// contrastiveParams tunes the word vectors so that two views of one paper
// (its title and its abstract, or a passage and the rest of the paper) embed
// close together and far from the other papers in the batch: the same job
// as answering a short description of a paper with that paper.
type contrastiveParams struct {
	epochs    float64 // passes over the sampled documents (0: no tuning)
	batch     int     // papers per step; the others are the negatives
	lr        float64 // Adagrad learning rate
	temp      float64 // softmax temperature on cosines
	titleProb float64 // chance that the query view is the title
	spanMin   int     // passage length range, in terms
	spanMax   int
	dropout   float64 // chance of dropping each query term
}

// view is a bag of terms of one paper.
type view []uint32

// tuneContrastive runs in-batch-negative contrastive training (InfoNCE,
// both directions) of w, the word vectors, with mean pooling by m's term
// weights, on pairs of views of the documents in c.
func tuneContrastive(ctx context.Context, m *Model, w *dense, c *corpus, p params) error {
	cp := p.contrastive
	dim := w.cols
	rng := rand.New(rand.NewPCG(p.Seed, 0xc0ffee))
	accum := make([]float32, len(w.d)) // Adagrad sums of squared gradients
	grad := make([]float32, len(w.d))
	touched := make([]bool, w.rows)
	var rows []uint32

	order := rng.Perm(c.len())
	steps := int(cp.epochs * float64(c.len()) / float64(cp.batch))
	qs := make([]view, cp.batch)
	ds := make([]view, cp.batch)
	qe := newDense(cp.batch, dim) // normalised embeddings
	de := newDense(cp.batch, dim)
	qn := make([]float32, cp.batch) // norms before normalising
	dn := make([]float32, cp.batch)
	logits := make([]float64, cp.batch*cp.batch)
	gq := newDense(cp.batch, dim)
	gd := newDense(cp.batch, dim)
	next := 0
	for step := range steps {
		if step%16 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b := 0
		for b < cp.batch {
			if next == len(order) {
				next = 0
				rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			d := order[next]
			next++
			q, doc, ok := views(rng, c.doc(d), int(c.title[d]), cp, qs[b][:0], ds[b][:0])
			if ok {
				qs[b], ds[b] = q, doc
				b++
			}
		}
		// Forward.
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				qn[i] = pool(m, w, qs[i], qe.row(i))
				dn[i] = pool(m, w, ds[i], de.row(i))
			}
		})
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				for j := range cp.batch {
					logits[i*cp.batch+j] = float64(dot(qe.row(i), de.row(j))) / cp.temp
				}
			}
		})
		// dL/dlogits for the mean of both directions' cross-entropy.
		g := softmaxGrad(logits, cp.batch, cp.temp)
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				gqi, gdi := gq.row(i), gd.row(i)
				clear(gqi)
				clear(gdi)
				for j := range cp.batch {
					axpy(float32(g[i*cp.batch+j]), de.row(j), gqi)
					axpy(float32(g[j*cp.batch+i]), qe.row(j), gdi)
				}
				unnormGrad(gqi, qe.row(i), qn[i])
				unnormGrad(gdi, de.row(i), dn[i])
			}
		})
		// Scatter to the word vectors: each worker owns the rows ≡ its
		// number modulo the worker count, so no two write the same row.
		workers := max(1, p.Workers)
		rowLists := make([][]uint32, workers)
		parallelRows(workers, workers, func(wk, _, _ int) {
			own := func(id uint32) bool { return int(id)%workers == wk }
			for i := range cp.batch {
				for _, pair := range [2]struct {
					v view
					g []float32
				}{{qs[i], gq.row(i)}, {ds[i], gd.row(i)}} {
					for _, id := range pair.v {
						if !own(id) {
							continue
						}
						if !touched[id] {
							touched[id] = true
							rowLists[wk] = append(rowLists[wk], id)
						}
						axpy(m.weight[id], pair.g, grad[int(id)*dim:int(id+1)*dim])
					}
				}
			}
			lr := float32(cp.lr)
			for _, id := range rowLists[wk] {
				off := int(id) * dim
				gr, ac, wr := grad[off:off+dim], accum[off:off+dim], w.d[off:off+dim]
				for k, gv := range gr {
					ac[k] += gv * gv
					wr[k] -= lr * gv / float32(math.Sqrt(float64(ac[k]))+1e-8)
				}
				clear(gr)
				touched[id] = false
			}
		})
		rows = rows[:0]
	}
	return nil
}

// views draws a query view and a document view of one paper: the title and
// the abstract, or a passage of the abstract and the rest of the paper.
func views(rng *rand.Rand, doc []uint32, nTitle int, cp contrastiveParams, q, d view) (view, view, bool) {
	abstract := doc[nTitle:]
	if nTitle >= 3 && len(abstract) >= 10 && rng.Float64() < cp.titleProb {
		q = appendDropout(rng, q, doc[:nTitle], cp.dropout)
		d = append(d, abstract...)
		return q, d, len(q) > 0
	}
	if len(abstract) < cp.spanMin+10 {
		return q, d, false
	}
	n := cp.spanMin + rng.IntN(cp.spanMax-cp.spanMin+1)
	n = min(n, len(abstract)/2)
	start := rng.IntN(len(abstract) - n + 1)
	q = appendDropout(rng, q, abstract[start:start+n], cp.dropout)
	d = append(d, doc[:nTitle+start]...)
	d = append(d, abstract[start+n:]...)
	return q, d, len(q) > 0
}

func appendDropout(rng *rand.Rand, dst view, ids []uint32, p float64) view {
	for _, id := range ids {
		if rng.Float64() >= p {
			dst = append(dst, id)
		}
	}
	return dst
}

// pool writes the normalised weighted sum of v's word vectors into dst
// and returns the sum's norm.
func pool(m *Model, w *dense, v view, dst []float32) float32 {
	clear(dst)
	for _, id := range v {
		axpy(m.weight[id], w.row(int(id)), dst)
	}
	n := float32(math.Sqrt(float64(dot(dst, dst))))
	if n > 0 {
		for i := range dst {
			dst[i] /= n
		}
	}
	return n
}

// softmaxGrad returns dL/dlogits for L = the mean over the batch of the
// cross-entropy of each row's and each column's softmax with the diagonal
// as the target, already multiplied by 1/temp (the logits' scale).
func softmaxGrad(logits []float64, n int, temp float64) []float64 {
	g := make([]float64, n*n)
	scale := 1 / (2 * float64(n) * temp)
	for i := range n { // rows: query i → document i
		row := logits[i*n : (i+1)*n]
		mx := math.Inf(-1)
		for _, x := range row {
			mx = max(mx, x)
		}
		sum := 0.0
		for _, x := range row {
			sum += math.Exp(x - mx)
		}
		for j, x := range row {
			g[i*n+j] += math.Exp(x-mx) / sum * scale
		}
		g[i*n+i] -= scale
	}
	for j := range n { // columns: document j → query j
		mx := math.Inf(-1)
		for i := range n {
			mx = max(mx, logits[i*n+j])
		}
		sum := 0.0
		for i := range n {
			sum += math.Exp(logits[i*n+j] - mx)
		}
		for i := range n {
			g[i*n+j] += math.Exp(logits[i*n+j]-mx) / sum * scale
		}
		g[j*n+j] -= scale
	}
	return g
}

// unnormGrad turns the gradient with respect to a normalised vector u =
// s/|s| into the gradient with respect to s, in place.
func unnormGrad(g, u []float32, norm float32) {
	if norm == 0 {
		clear(g)
		return
	}
	d := dot(g, u)
	for i := range g {
		g[i] = (g[i] - d*u[i]) / norm
	}
}
