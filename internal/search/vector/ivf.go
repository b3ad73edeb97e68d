package vector

// list is one inverted list: ids and their codes, stored contiguously so a
// query streams through them.
type list struct {
	ids   []uint32
	codes []int8 // len(ids) rows of quantizer.stride codes
}

// ivf is the trained part of the index: centroids, quantiser and lists.
type ivf struct {
	quantizer
	nlist  int
	nprobe int     // calibrated probe count
	recall float64 // recall@10 measured when nprobe was calibrated
	// ownProbe is the probe count calibrated for searches from the
	// index's own vectors (Neighbours), which need fewer lists: such a
	// vector sits among its neighbours, in its own list. 0: nprobe.
	ownProbe  int
	trainedN  int // vectors held when trained
	centroids []float32
	lists     []list
}

// probe returns the number of lists a query scans.
func (f *ivf) probe(p Params) int {
	if p.Probe > 0 {
		return min(p.Probe, f.nlist)
	}
	return max(1, min(f.nprobe, f.nlist))
}

// probeOwn returns the number of lists a search from one of the index's
// own vectors scans.
func (f *ivf) probeOwn(p Params) int {
	if p.Probe > 0 || f.ownProbe <= 0 {
		return f.probe(p)
	}
	return max(1, min(f.ownProbe, f.nprobe, f.nlist))
}

// nearest returns the list whose centroid has the largest inner product with v.
func (f *ivf) nearest(v []float32) int32 {
	scores := make([]float32, f.nlist)
	dotRows(v, f.centroids, scores)
	best := 0
	for j, s := range scores {
		if s > scores[best] {
			best = j
		}
	}
	return int32(best)
}

// entry is a vector's place in the lists: its list and codes.
type entry struct {
	list  int32
	codes []int8
}

// entry returns v's list and codes.
func (f *ivf) entry(v []float32) entry {
	e := entry{list: f.nearest(v), codes: make([]int8, f.stride)}
	f.encode(v, e.codes)
	return e
}

// insert appends id, at row i of chunk c, to its list.
func (f *ivf) insert(id uint32, c *chunk, i int, e entry) {
	li := &f.lists[e.list]
	c.list[i], c.pos[i] = e.list, int32(len(li.ids))
	li.ids = append(li.ids, id)
	li.codes = append(li.codes, e.codes...)
}

// remove takes the id at row i of chunk c out of its list, moving the list's
// last entry into its place.
func (f *ivf) remove(st *store, c *chunk, i int) {
	l, p := c.list[i], int(c.pos[i])
	c.list[i], c.pos[i] = -1, -1
	li := &f.lists[l]
	last := len(li.ids) - 1
	if p != last {
		moved := li.ids[last]
		li.ids[p] = moved
		copy(li.codes[p*f.stride:(p+1)*f.stride], li.codes[last*f.stride:])
		mc, mi := st.locate(moved)
		mc.pos[mi] = int32(p)
	}
	li.ids = li.ids[:last]
	li.codes = li.codes[:last*f.stride]
}

// bytes returns the memory held by centroids, quantiser and lists.
func (f *ivf) bytes() int64 {
	n := int64(len(f.centroids)+2*f.dim)*4 + int64(cap(f.lists))*48
	for _, l := range f.lists {
		n += int64(cap(l.ids))*4 + int64(cap(l.codes))
	}
	return n
}
