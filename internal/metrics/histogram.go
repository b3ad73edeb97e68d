package metrics

import (
	"math"
	"slices"
	"sync/atomic"
)

// DefBuckets are upper bounds, in seconds, suited to HTTP request durations.
var DefBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// HistogramVec is a histogram family partitioned by label values.
type HistogramVec struct{ v *vec[Histogram] }

// Histogram counts observations in buckets and keeps their sum.
type Histogram struct {
	upper []float64 // shared by the family; +Inf is implicit
	// counts[i] is the number of observations in (upper[i-1], upper[i]],
	// with counts[len(upper)] for those above every bound. The total is
	// their sum, so _count always equals the +Inf bucket, even while
	// observations race with a scrape.
	counts []atomic.Uint64
	sum    atomicFloat
}

// Histogram registers (or returns the identical, already registered)
// histogram family name with the given bucket upper bounds, which must be
// increasing (nil means DefBuckets; a trailing +Inf is implied).
func (r *Registry) Histogram(name, help string, buckets []float64, labelNames ...string) *HistogramVec {
	if buckets == nil {
		buckets = DefBuckets
	}
	upper := slices.Clone(buckets)
	if n := len(upper); n > 0 && math.IsInf(upper[n-1], 1) {
		upper = upper[:n-1]
	}
	v := newVec(desc{name: name, help: help, typ: "histogram", labelNames: labelNames, buckets: upper},
		func() *Histogram {
			return &Histogram{upper: upper, counts: make([]atomic.Uint64, len(upper)+1)}
		},
		writeHistogram)
	return &HistogramVec{v: r.register(v).(*vec[Histogram])}
}

// With returns the histogram for the label values, given in the order of
// the family's label names. It panics if their number is wrong.
func (hv *HistogramVec) With(values ...string) *Histogram { return hv.v.with(values) }

// Observe records v (for durations, in seconds). NaN is ignored.
func (h *Histogram) Observe(v float64) {
	if math.IsNaN(v) {
		return
	}
	// A linear scan beats binary search for the dozen or so buckets
	// histograms have in practice.
	i := 0
	for i < len(h.upper) && v > h.upper[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.add(v)
}

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Sum returns the sum of the observations.
func (h *Histogram) Sum() float64 { return h.sum.load() }

func writeHistogram(b []byte, d *desc, values []string, h *Histogram) []byte {
	var cum uint64
	var le []byte
	for i, u := range h.upper {
		cum += h.counts[i].Load()
		le = appendFloat(le[:0], u)
		b = appendSample(b, d.name, "_bucket", d.labelNames, values, "le", string(le), float64(cum))
	}
	cum += h.counts[len(h.upper)].Load()
	b = appendSample(b, d.name, "_bucket", d.labelNames, values, "le", "+Inf", float64(cum))
	b = appendSample(b, d.name, "_sum", d.labelNames, values, "", "", h.sum.load())
	return appendSample(b, d.name, "_count", d.labelNames, values, "", "", float64(cum))
}
