package metrics

import "runtime/metrics"

// registerRuntime adds a few Go runtime figures. They are read through
// runtime/metrics, which unlike runtime.ReadMemStats does not stop the world.
func registerRuntime(r *Registry) {
	r.GaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		runtimeValue("/sched/goroutines:goroutines"))
	r.GaugeFunc("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.",
		runtimeValue("/memory/classes/heap/objects:bytes"))
	r.GaugeFunc("go_memstats_sys_bytes", "Bytes of memory obtained from the operating system.",
		runtimeValue("/memory/classes/total:bytes"))
	r.CounterFunc("go_gc_cycles_total", "Number of completed garbage collection cycles.",
		runtimeValue("/gc/cycles/total:gc-cycles"))
}

func runtimeValue(name string) func() float64 {
	return func() float64 {
		s := []metrics.Sample{{Name: name}}
		metrics.Read(s)
		switch s[0].Value.Kind() {
		case metrics.KindUint64:
			return float64(s[0].Value.Uint64())
		case metrics.KindFloat64:
			return s[0].Value.Float64()
		}
		return 0 // not supported by this Go version
	}
}
