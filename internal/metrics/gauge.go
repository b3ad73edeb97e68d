package metrics

// GaugeVec is a gauge family partitioned by label values.
type GaugeVec struct{ v *vec[Gauge] }

// Gauge is a value that may go up and down.
type Gauge struct{ f atomicFloat }

// Gauge registers (or returns the identical, already registered) gauge
// family name with the given label names.
func (r *Registry) Gauge(name, help string, labelNames ...string) *GaugeVec {
	v := newVec(desc{name: name, help: help, typ: "gauge", labelNames: labelNames},
		func() *Gauge { return new(Gauge) },
		func(b []byte, d *desc, values []string, g *Gauge) []byte {
			return appendSample(b, d.name, "", d.labelNames, values, "", "", g.Value())
		})
	return &GaugeVec{v: r.register(v).(*vec[Gauge])}
}

// With returns the gauge for the label values, given in the order of the
// family's label names. It panics if their number is wrong.
func (gv *GaugeVec) With(values ...string) *Gauge { return gv.v.with(values) }

// Set sets the gauge to v.
func (g *Gauge) Set(v float64) { g.f.store(v) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { g.f.add(v) }

// Inc adds 1.
func (g *Gauge) Inc() { g.f.add(1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.f.add(-1) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return g.f.load() }

// funcMetric is a single unlabelled sample read from a function at scrape
// time.
type funcMetric struct {
	d  desc
	fn func() float64
}

func (f *funcMetric) desc() *desc { return &f.d }

func (f *funcMetric) write(b []byte) []byte {
	return appendSample(b, f.d.name, "", nil, nil, "", "", f.fn())
}

// GaugeFunc registers a gauge whose value is fn's result, read at every
// scrape (for example the number of papers in the catalogue). fn must be
// safe for concurrent use; it runs outside the registry's lock. Registering
// a name twice panics.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	mustFunc(name, fn)
	r.register(&funcMetric{d: desc{name: name, help: help, typ: "gauge", fn: true}, fn: fn})
}

// CounterFunc is GaugeFunc for a value that only goes up, such as a count
// kept elsewhere.
func (r *Registry) CounterFunc(name, help string, fn func() float64) {
	mustFunc(name, fn)
	r.register(&funcMetric{d: desc{name: name, help: help, typ: "counter", fn: true}, fn: fn})
}

func mustFunc(name string, fn func() float64) {
	if fn == nil {
		panic("metrics: " + name + ": nil function")
	}
}
