package metrics

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// vec maps label value tuples to children of type M. Lookups of existing
// children take only a read lock and do not allocate, which keeps the hot
// path (one lookup per request and metric) cheap under concurrency.
type vec[M any] struct {
	d          desc
	newChild   func() *M
	writeChild func(b []byte, d *desc, values []string, m *M) []byte

	mu       sync.RWMutex
	children map[string]*child[M]
}

type child[M any] struct {
	values []string
	m      *M
}

func newVec[M any](d desc, newChild func() *M, writeChild func([]byte, *desc, []string, *M) []byte) *vec[M] {
	v := &vec[M]{d: d, newChild: newChild, writeChild: writeChild, children: make(map[string]*child[M])}
	if len(d.labelNames) == 0 {
		// A metric without labels has exactly one child; create it now so
		// that it is exported (as zero) before its first use.
		v.with(nil)
	}
	return v
}

// with returns the child for values, creating it on first use. A wrong
// number of values is a programming error and panics, as it would with a
// format string that does not match its arguments.
func (v *vec[M]) with(values []string) *M {
	if len(values) != len(v.d.labelNames) {
		panic(fmt.Sprintf("metrics: %s: got %d label values, want %d %v",
			v.d.name, len(values), len(v.d.labelNames), v.d.labelNames))
	}
	var buf [128]byte
	key := appendKey(buf[:0], values)

	v.mu.RLock()
	c, ok := v.children[string(key)]
	v.mu.RUnlock()
	if ok {
		return c.m
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.children[string(key)]; ok {
		return c.m
	}
	c = &child[M]{values: slices.Clone(values), m: v.newChild()}
	v.children[string(key)] = c
	return c.m
}

// appendKey encodes values unambiguously: each is prefixed with its length,
// so no choice of separator can make two tuples collide.
func appendKey(b []byte, values []string) []byte {
	for _, s := range values {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// sorted returns the children ordered by their label values.
func (v *vec[M]) sorted() []*child[M] {
	v.mu.RLock()
	cs := make([]*child[M], 0, len(v.children))
	for _, c := range v.children {
		cs = append(cs, c)
	}
	v.mu.RUnlock()
	slices.SortFunc(cs, func(a, b *child[M]) int { return slices.Compare(a.values, b.values) })
	return cs
}

func (v *vec[M]) desc() *desc { return &v.d }

func (v *vec[M]) write(b []byte) []byte {
	for _, c := range v.sorted() {
		b = v.writeChild(b, &v.d, c.values, c.m)
	}
	return b
}

// atomicFloat is a float64 updated with compare-and-swap on its bits.
type atomicFloat struct{ bits atomic.Uint64 }

func (f *atomicFloat) load() float64 { return math.Float64frombits(f.bits.Load()) }

func (f *atomicFloat) store(v float64) { f.bits.Store(math.Float64bits(v)) }

func (f *atomicFloat) add(v float64) {
	for {
		old := f.bits.Load()
		if f.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}
