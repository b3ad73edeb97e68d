package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// kmeans trains k spherical k-means centroids (unit length, assignment by
// largest inner product) on the rows of x: random distinct rows as the
// start, then at most iters rounds of assign-and-average, stopping early
// when fewer than one row in a thousand changes list. Results depend only
// on x and the seed, not on the number of workers.
func kmeans(ctx context.Context, x []float32, dim, k, iters int, rng *rand.Rand, workers int) ([]float32, error) {
	n := len(x) / dim
	cents := make([]float32, k*dim)
	for j, r := range rng.Perm(n)[:k] {
		copy(cents[j*dim:(j+1)*dim], x[r*dim:(r+1)*dim])
	}
	assign := make([]int32, n)
	prev := make([]int32, n)
	for it := range iters {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nearestAll(x, dim, cents, assign, workers)
		changed := 0
		for i := range assign {
			if assign[i] != prev[i] {
				changed++
			}
		}
		copy(prev, assign)
		recenter(x, dim, cents, assign, rng, workers)
		if it > 0 && changed < n/1000 {
			break
		}
	}
	return cents, nil
}

// nearestAll sets best[r] to the centroid nearest to row r of x, spreading
// blocks of rows over workers.
func nearestAll(x []float32, dim int, cents []float32, best []int32, workers int) {
	const block = 256
	n := len(x) / dim
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var a assigner
			for {
				lo := int(next.Add(block)) - block
				if lo >= n {
					return
				}
				hi := min(lo+block, n)
				a.nearest(x[lo*dim:hi*dim], dim, cents, best[lo:hi])
			}
		})
	}
	wg.Wait()
}

// groupBytes is the size of the centroid groups an assigner walks: small
// enough for a group to stay in the L1 data cache (with the row being
// scored) while every row of a block is scored against it. Measured on
// 2,000 centroids of 256 dimensions, 16 KB groups ran 2-2.5× faster than
// groups sized for L2 (128 KB), which left the kernel waiting on L2 reads.
const groupBytes = 16 << 10

// assigner finds nearest centroids for blocks of rows, walking the
// centroids in groups (see groupBytes).
type assigner struct {
	scores []float32
	bests  []float32
}

func (a *assigner) nearest(rows []float32, dim int, cents []float32, best []int32) {
	n := len(rows) / dim
	k := len(cents) / dim
	group := max(8, groupBytes/(4*dim))
	a.scores = grow(a.scores, group)
	a.bests = grow(a.bests, n)
	for r := range n {
		a.bests[r] = float32(math.Inf(-1))
		best[r] = 0
	}
	for g := 0; g < k; g += group {
		m := min(group, k-g)
		cs := cents[g*dim : (g+m)*dim]
		out := a.scores[:m]
		for r := range n {
			dotRows(rows[r*dim:(r+1)*dim], cs, out)
			b := a.bests[r]
			for j, s := range out {
				if s > b {
					b = s
					best[r] = int32(g + j)
				}
			}
			a.bests[r] = b
		}
	}
}

// recenter moves every centroid to the normalised mean of its rows. A
// centroid left without rows takes over half of the largest list: it is
// set beside that list's centroid, nudged apart in a random direction.
func recenter(x []float32, dim int, cents []float32, assign []int32, rng *rand.Rand, workers int) {
	k := len(cents) / dim
	// Group rows by centroid (a counting sort), so each centroid's sum is
	// taken in row order whichever worker takes it.
	start := make([]int32, k+1)
	for _, a := range assign {
		start[a+1]++
	}
	for j := range k {
		start[j+1] += start[j]
	}
	members := make([]int32, len(assign))
	fill := append([]int32(nil), start[:k]...)
	for r, a := range assign {
		members[fill[a]] = int32(r)
		fill[a]++
	}
	empty := make([]bool, k)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			sum := make([]float64, dim)
			for {
				j := int(next.Add(1)) - 1
				if j >= k {
					return
				}
				clear(sum)
				for _, r := range members[start[j]:start[j+1]] {
					for i, v := range x[int(r)*dim : (int(r)+1)*dim] {
						sum[i] += float64(v)
					}
				}
				empty[j] = !setUnit(cents[j*dim:(j+1)*dim], sum)
			}
		})
	}
	wg.Wait()

	size := make([]int, k)
	for j := range k {
		size[j] = int(start[j+1] - start[j])
	}
	noise := make([]float64, dim)
	for j := range k {
		if !empty[j] {
			continue
		}
		big := 0
		for b := range k {
			if size[b] > size[big] {
				big = b
			}
		}
		for i := range noise {
			noise[i] = rng.NormFloat64() * 1e-3 / math.Sqrt(float64(dim))
		}
		cb := cents[big*dim : (big+1)*dim]
		cj := cents[j*dim : (j+1)*dim]
		plus := make([]float64, dim)
		minus := make([]float64, dim)
		for i := range dim {
			plus[i] = float64(cb[i]) + noise[i]
			minus[i] = float64(cb[i]) - noise[i]
		}
		setUnit(cj, plus)
		setUnit(cb, minus)
		size[j] = size[big] / 2
		size[big] -= size[j]
	}
}

// setUnit stores v scaled to unit length in dst and reports whether v had
// a direction.
func setUnit(dst []float32, v []float64) bool {
	var s float64
	for _, x := range v {
		s += x * x
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return false
	}
	inv := 1 / math.Sqrt(s)
	for i, x := range v {
		dst[i] = float32(x * inv)
	}
	return true
}
