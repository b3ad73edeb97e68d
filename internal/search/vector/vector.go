// Package vector is Quire's approximate nearest-neighbour index over
// unit-length embeddings, where cosine similarity is the inner product.
//
// It is an inverted file (IVF): spherical k-means, trained on a sample,
// splits the vectors into lists; a query scans the lists whose centroids are
// closest to it, scoring int8 codes, and re-scores the best candidates with
// the full-precision vectors. How many lists a query scans is calibrated at
// Build against exact search. Below Params.MinTrain vectors, or until Build
// has trained the lists, every search is exact.
package vector

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"quire"
)

// Hit is one search result: a document id and its cosine similarity to the query.
type Hit struct {
	ID    uint32
	Score float32
}

// Params tunes the index; the zero value of a field picks its default.
type Params struct {
	// MinTrain is the number of vectors from which Build trains the lists;
	// below it search is exact, which is as fast as IVF at that size.
	// Default 20000.
	MinTrain int
	// Lists is the number of inverted lists. Default: 2·√N at training
	// time, so that training cost and per-query scan cost stay balanced.
	Lists int
	// Probe is the number of lists a query scans. Default: calibrated by
	// Build to reach TargetRecall.
	Probe int
	// TargetRecall is the recall@10 against exact search that Build
	// calibrates Probe for, measured with mixes of two of the index's
	// vectors as queries (see calibrationSet), whose recall tracks that of
	// titles and users' queries. Default 0.98.
	TargetRecall float64
	// Rerank is the number of candidates, chosen by their int8 scores,
	// that are re-scored with full-precision vectors. Default max(4·k, 64).
	Rerank int
	// SamplePerList is how many vectors per list k-means trains on.
	// Default 64.
	SamplePerList int
	// Iterations bounds the k-means iterations. Default 10.
	Iterations int
	// RetrainGrowth: Build retrains once the index holds this many times
	// the vectors it was trained on. Default 2.
	RetrainGrowth float64
	// Seed makes training and calibration reproducible. Default 1.
	Seed uint64
	// Workers is the number of goroutines Build uses. Default GOMAXPROCS.
	Workers int
}

func (p Params) withDefaults() Params {
	if p.MinTrain <= 0 {
		p.MinTrain = 20000
	}
	if p.TargetRecall <= 0 || p.TargetRecall > 1 {
		p.TargetRecall = 0.98
	}
	if p.SamplePerList <= 0 {
		p.SamplePerList = 64
	}
	if p.Iterations <= 0 {
		p.Iterations = 10
	}
	if p.RetrainGrowth <= 1 {
		p.RetrainGrowth = 2
	}
	if p.Seed == 0 {
		p.Seed = 1
	}
	if p.Workers <= 0 {
		p.Workers = runtime.GOMAXPROCS(0)
	}
	return p
}

// MaxDim bounds the dimension New accepts; the int8 kernel's 32-bit sums
// are exact up to it.
const MaxDim = 4096

// Index is an approximate nearest-neighbour index. All methods are safe for
// concurrent use; searches share a read lock, updates take the write lock.
type Index struct {
	dim int
	p   Params

	buildMu sync.Mutex // one Build at a time

	mu    sync.RWMutex
	st    store
	ivf   *ivf     // nil until Build trains it
	dirty []uint32 // ids changed while Build assigns lists; nil otherwise
	pool  sync.Pool

	afterAssign func() // test hook: runs after Build assigns, before it installs
}

// New returns an empty index for vectors of dim dimensions.
func New(dim int, p Params) (*Index, error) {
	if dim <= 0 || dim > MaxDim {
		return nil, quire.Invalidf("vector: dimension %d is out of range 1..%d", dim, MaxDim)
	}
	return &Index{dim: dim, p: p.withDefaults(), st: store{dim: dim}}, nil
}

// Dim returns the dimension of the index's vectors.
func (ix *Index) Dim() int { return ix.dim }

// Len returns the number of vectors in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.n
}

// unit returns a unit-length copy of v; ok is false for a zero vector.
func (ix *Index) unit(v []float32) (u []float32, ok bool, err error) {
	if len(v) != ix.dim {
		return nil, false, quire.Invalidf("got %d dimensions, want %d", len(v), ix.dim)
	}
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return nil, false, quire.Invalidf("vector has a non-finite component")
	}
	if s == 0 {
		return nil, false, nil
	}
	inv := 1 / math.Sqrt(s)
	u = make([]float32, len(v))
	for i, x := range v {
		u[i] = float32(float64(x) * inv)
	}
	return u, true, nil
}

// Add stores v as the vector of id, replacing any earlier one. v is scaled
// to unit length; a zero vector has no direction to search by, so Add then
// removes id instead. Once the lists are trained, v joins the list of its
// nearest centroid at once; Build retrains when the index has grown.
func (ix *Index) Add(id uint32, v []float32) error {
	u, ok, err := ix.unit(v)
	if err != nil {
		return fmt.Errorf("vector: add %d: %w", id, err)
	}
	if !ok {
		ix.Delete(id)
		return nil
	}
	// Work with the vector as it will be stored, so that its list and
	// codes are those a Build or a snapshot load computes from the store.
	for i, x := range u {
		u[i] = fromHalf(toHalf(x))
	}
	// Find the list and codes before taking the write lock, so searches
	// wait only for the bookkeeping; redo it if a Build swapped the lists.
	ix.mu.RLock()
	f := ix.ivf
	ix.mu.RUnlock()
	var e entry
	if f != nil {
		e = f.entry(u)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.ivf != f {
		f = ix.ivf
		if f != nil {
			e = f.entry(u)
		}
	}
	c, i := ix.st.put(id, u)
	if f != nil {
		if c.list[i] >= 0 {
			f.remove(&ix.st, c, i)
		}
		f.insert(id, c, i, e)
	}
	if ix.dirty != nil {
		ix.dirty = append(ix.dirty, id)
	}
	return nil
}

// Delete removes the vector of id, if any.
func (ix *Index) Delete(id uint32) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	c, i := ix.st.locate(id)
	if c == nil || !c.has(i) {
		return
	}
	if ix.ivf != nil && c.list[i] >= 0 {
		ix.ivf.remove(&ix.st, c, i)
	}
	ix.st.remove(id)
	if ix.dirty != nil {
		ix.dirty = append(ix.dirty, id)
	}
}

// Vector appends the stored (unit-length) vector of id to dst, so callers
// such as "similar papers" can query by a paper without keeping a copy.
func (ix *Index) Vector(id uint32, dst []float32) ([]float32, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v, ok := ix.st.get(id)
	if !ok {
		return dst, false
	}
	return appendHalf(dst, v), true
}

// Neighbours returns up to k vectors most similar to id's own, best first
// (id itself among them), as Search would, or nil when the index holds no
// vector for id. It scans the lists calibrated for such searches, fewer
// than a query needs (see calibrateOwn).
func (ix *Index) Neighbours(id uint32, k int) ([]Hit, error) {
	v, ok := ix.Vector(id, nil)
	if !ok || k <= 0 {
		return nil, nil
	}
	// Scaled as Search scales a query, so that the scores are the same.
	q, ok, err := ix.unit(v)
	if err != nil || !ok {
		return nil, err
	}
	return ix.searchUnit(q, k, nil, (*ivf).probeOwn), nil
}

// Has reports whether the index holds a vector for id.
func (ix *Index) Has(id uint32) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.st.get(id)
	return ok
}

// Stats describes the index's state.
type Stats struct {
	Vectors   int     // vectors held
	Dim       int     // their dimension
	Trained   bool    // whether searches use the lists (else they are exact)
	Lists     int     // inverted lists
	Probe     int     // lists a query scans
	OwnProbe  int     // lists a search from one of the index's vectors scans (Neighbours)
	TrainedOn int     // vectors held when the lists were trained
	Recall    float64 // recall@10 measured by the last calibration (0 if Probe was fixed)
	MaxList   int     // length of the longest list
	Bytes     int64   // memory held by vectors, codes and lists
}

// Stats returns the index's current state.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Vectors: ix.st.n, Dim: ix.dim, Bytes: ix.st.bytes()}
	if f := ix.ivf; f != nil {
		s.Trained = s.Vectors >= ix.p.MinTrain
		s.Lists, s.Probe, s.OwnProbe, s.TrainedOn, s.Recall = f.nlist, f.probe(ix.p), f.probeOwn(ix.p), f.trainedN, f.recall
		for _, l := range f.lists {
			s.MaxList = max(s.MaxList, len(l.ids))
		}
		s.Bytes += f.bytes()
	}
	return s
}

// MemoryBytes returns the memory held by the index.
func (ix *Index) MemoryBytes() int64 { return ix.Stats().Bytes }
