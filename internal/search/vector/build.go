package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
)

// Build trains the inverted lists when the index is large enough to need
// them (Params.MinTrain vectors) and has not been trained yet, or has grown
// Params.RetrainGrowth times since it was. Otherwise it returns at once.
//
// Training runs on a copy of a sample without holding any lock. Assigning
// every vector to the new lists holds the read lock one chunk of ids at a
// time, so searches go on and updates slip in between; ids changed
// meanwhile are noted and fixed up when the new lists are swapped in.
// Build returns ctx's error if it is cancelled, leaving the index as it was.
func (ix *Index) Build(ctx context.Context) error {
	ix.buildMu.Lock()
	defer ix.buildMu.Unlock()
	p := ix.p

	ix.mu.RLock()
	n := ix.st.n
	old := ix.ivf
	ix.mu.RUnlock()
	if n < p.MinTrain || (old != nil && float64(n) < p.RetrainGrowth*float64(old.trainedN)) {
		return nil
	}
	nlist := p.Lists
	if nlist <= 0 {
		nlist = listsFor(n)
	}
	nlist = max(1, min(nlist, n))
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))

	sample := ix.sample(rng, min(n, p.SamplePerList*nlist))
	cents, err := kmeans(ctx, sample, ix.dim, nlist, p.Iterations, rng, p.Workers)
	if err != nil {
		return err
	}
	f := &ivf{
		quantizer: newQuantizer(sample, ix.dim),
		nlist:     nlist,
		centroids: cents,
		lists:     make([]list, nlist),
	}

	ix.mu.Lock()
	ix.dirty = []uint32{}
	limit := ix.st.limit()
	ix.mu.Unlock()
	installed := false
	defer func() {
		if !installed {
			ix.mu.Lock()
			ix.dirty = nil
			ix.mu.Unlock()
		}
	}()

	assign, pos, err := ix.assign(ctx, f, limit)
	if err != nil {
		return err
	}
	if ix.afterAssign != nil {
		ix.afterAssign()
	}
	for _, l := range f.lists {
		f.trainedN += len(l.ids)
	}
	if p.Probe <= 0 {
		if err := ix.calibrate(ctx, f, assign, rng); err != nil {
			return err
		}
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.install(f, assign, pos, limit)
	installed = true
	return nil
}

// listsFor returns the default number of lists for n vectors.
func listsFor(n int) int {
	return max(16, min(1<<16, int(2*math.Sqrt(float64(n)))))
}

// sample returns a copy of m vectors chosen at random, in id order.
func (ix *Index) sample(rng *rand.Rand, m int) []float32 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids := make([]uint32, 0, ix.st.n)
	ix.st.each(func(id uint32, _ *chunk, _ int) { ids = append(ids, id) })
	m = min(m, len(ids))
	for i := range m {
		j := i + rng.IntN(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
	}
	ids = ids[:m]
	slices.Sort(ids)
	out := make([]float32, 0, m*ix.dim)
	for _, id := range ids {
		v, _ := ix.st.get(id)
		out = appendHalf(out, v)
	}
	return out
}

// assign puts every vector with an id below limit into f's lists, in id
// order. It returns each id's list (-1 for none) and position.
func (ix *Index) assign(ctx context.Context, f *ivf, limit int) (assign, pos []int32, err error) {
	assign = make([]int32, limit)
	for i := range assign {
		assign[i] = -1
	}
	err = ix.eachChunkWith(ctx, limit, func() func(int, *chunk) {
		var a assigner
		best := make([]int32, chunkSize)
		vecs := make([]float32, chunkSize*ix.dim)
		return func(ci int, c *chunk) {
			decodeHalf(vecs, c.vecs)
			a.nearest(vecs, ix.dim, f.centroids, best)
			for i, b := range best {
				if c.has(i) {
					assign[ci<<chunkBits|i] = b
				}
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}

	pos = make([]int32, limit)
	counts := make([]int32, f.nlist)
	for id, a := range assign {
		if a < 0 {
			pos[id] = -1
			continue
		}
		pos[id] = counts[a]
		counts[a]++
	}
	for j, c := range counts {
		f.lists[j] = list{ids: make([]uint32, c), codes: make([]int8, int(c)*f.stride)}
	}
	for id, a := range assign {
		if a >= 0 {
			f.lists[a].ids[pos[id]] = uint32(id)
		}
	}
	err = ix.eachChunkWith(ctx, limit, func() func(int, *chunk) {
		v := make([]float32, ix.dim)
		return func(ci int, c *chunk) {
			for i := range chunkSize {
				id := ci<<chunkBits | i
				if a := assign[id]; a >= 0 {
					p := int(pos[id])
					decodeHalf(v, c.row(i, ix.dim))
					f.encode(v, f.lists[a].codes[p*f.stride:(p+1)*f.stride])
				}
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return assign, pos, nil
}

// install makes f the index's lists; ix.mu is held for writing. Ids below
// limit take their places from assign and pos; ids changed since the
// assignment began are then taken out and put back as they now are.
func (ix *Index) install(f *ivf, assign, pos []int32, limit int) {
	for ci, c := range ix.st.chunks {
		if c == nil {
			continue
		}
		for i := range chunkSize {
			id := ci<<chunkBits | i
			c.list[i], c.pos[i] = -1, -1
			if id < limit && assign[id] >= 0 {
				c.list[i], c.pos[i] = assign[id], pos[id]
			}
		}
	}
	ix.ivf = f
	seen := make(map[uint32]bool, len(ix.dirty))
	v := make([]float32, ix.dim)
	for _, id := range ix.dirty {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, i := ix.st.locate(id)
		if c == nil {
			continue
		}
		if c.list[i] >= 0 {
			f.remove(&ix.st, c, i)
		}
		if c.has(i) {
			decodeHalf(v, c.row(i, ix.dim))
			f.insert(id, c, i, f.entry(v))
		}
	}
	ix.dirty = nil
}

// eachChunk calls fn, from Params.Workers goroutines, for every chunk of ids
// below limit, holding the read lock for one chunk at a time.
func (ix *Index) eachChunk(ctx context.Context, limit int, fn func(ci int, c *chunk)) error {
	return ix.eachChunkWith(ctx, limit, func() func(int, *chunk) { return fn })
}

// eachChunkWith is eachChunk with a function per worker, made by newFn
// (called before the workers start), for workers that keep their own state.
func (ix *Index) eachChunkWith(ctx context.Context, limit int, newFn func() func(ci int, c *chunk)) error {
	nchunks := limit >> chunkBits
	var next atomic.Int64
	var wg sync.WaitGroup
	for range ix.p.Workers {
		fn := newFn()
		wg.Go(func() {
			for ctx.Err() == nil {
				ci := int(next.Add(1)) - 1
				if ci >= nchunks {
					return
				}
				ix.mu.RLock()
				if c := ix.st.chunks[ci]; c != nil {
					fn(ci, c)
				}
				ix.mu.RUnlock()
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
