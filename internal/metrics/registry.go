// Package metrics is a small registry of Prometheus metrics (counters,
// gauges and histograms with labels) that it serves in the Prometheus text
// exposition format, version 0.0.4.
//
// Observations are lock-free atomics on a child found through a read-locked
// map, so the request path never waits behind a global mutex; the registry's
// own lock is taken only when a metric family is registered or scraped.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metric families by name. Its zero value is not usable; call
// NewRegistry. All methods are safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

// family is one named metric with its help text, type and samples.
type family interface {
	desc() *desc
	// write appends the family's samples (without HELP and TYPE lines).
	write(b []byte) []byte
}

// desc describes a metric family; two registrations of the same name must
// agree on all of it.
type desc struct {
	name       string
	help       string
	typ        string // "counter", "gauge" or "histogram"
	labelNames []string
	buckets    []float64 // histograms only
	fn         bool      // the value comes from a function
}

func (d *desc) same(o *desc) bool {
	return d.name == o.name && d.help == o.help && d.typ == o.typ &&
		slices.Equal(d.labelNames, o.labelNames) && slices.Equal(d.buckets, o.buckets) &&
		!d.fn && !o.fn
}

// NewRegistry returns a registry that already holds the Go runtime gauges
// go_goroutines, go_memstats_heap_alloc_bytes and go_memstats_sys_bytes, and
// the counter go_gc_cycles_total.
func NewRegistry() *Registry {
	r := &Registry{families: make(map[string]family)}
	registerRuntime(r)
	return r
}

// register adds f, or returns the family already registered under the same
// name when its description is identical, so that two components (or two
// servers in one test) may ask for the same metric. Conflicting definitions
// are programming errors, found at startup, and panic like conflicting
// http.ServeMux patterns do.
func (r *Registry) register(f family) family {
	d := f.desc()
	if err := d.validate(); err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.families[d.name]; ok {
		if !old.desc().same(d) {
			panic(fmt.Sprintf("metrics: %s registered twice with different definitions", d.name))
		}
		return old
	}
	r.families[d.name] = f
	return f
}

// WriteText writes every family with at least one sample in the text
// exposition format, sorted by name, with children sorted by label values.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	fams := make([]family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	slices.SortFunc(fams, func(a, b family) int {
		return strings.Compare(a.desc().name, b.desc().name)
	})

	// Families are written without the registry lock held: a gauge function
	// may be slow (a database count), and must not block registrations.
	var out []byte
	for _, f := range fams {
		samples := f.write(nil)
		if len(samples) == 0 {
			continue
		}
		d := f.desc()
		out = append(out, "# HELP "...)
		out = append(out, d.name...)
		out = append(out, ' ')
		out = appendEscaped(out, d.help, false)
		out = append(out, "\n# TYPE "...)
		out = append(out, d.name...)
		out = append(out, ' ')
		out = append(out, d.typ...)
		out = append(out, '\n')
		out = append(out, samples...)
	}
	_, err := w.Write(out)
	return err
}

// Handler returns an http.Handler that serves the registry's metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		// WriteText renders everything before its one Write, so an error
		// here means only that the client went away.
		_ = r.WriteText(w)
	})
}
