package metrics

import (
	"math"
	"sync/atomic"
)

// CounterVec is a counter family partitioned by label values.
type CounterVec struct{ v *vec[Counter] }

// Counter is a value that only goes up.
type Counter struct {
	// Whole increments go to n, a plain atomic add; only fractional ones
	// pay for the compare-and-swap loop of f.
	n atomic.Uint64
	f atomicFloat
}

// Counter registers (or returns the identical, already registered) counter
// family name with the given label names. By convention its name ends in
// _total.
func (r *Registry) Counter(name, help string, labelNames ...string) *CounterVec {
	v := newVec(desc{name: name, help: help, typ: "counter", labelNames: labelNames},
		func() *Counter { return new(Counter) },
		func(b []byte, d *desc, values []string, c *Counter) []byte {
			return appendSample(b, d.name, "", d.labelNames, values, "", "", c.Value())
		})
	return &CounterVec{v: r.register(v).(*vec[Counter])}
}

// With returns the counter for the label values, given in the order of the
// family's label names. It panics if their number is wrong.
func (cv *CounterVec) With(values ...string) *Counter { return cv.v.with(values) }

// Inc adds 1.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds v. Counters never go down, so negative values and NaN are
// ignored.
func (c *Counter) Add(v float64) {
	switch {
	case !(v > 0):
		return
	case v == math.Trunc(v) && v < 1<<53:
		c.n.Add(uint64(v))
	default:
		c.f.add(v)
	}
}

// Value returns the current count.
func (c *Counter) Value() float64 { return float64(c.n.Load()) + c.f.load() }
