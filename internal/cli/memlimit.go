package cli

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The search index makes the server's heap large (about 2 GB for a
// million papers) and long-lived, while each search leaves a little
// garbage. With the Go default (GOGC=100) the heap grows to twice the live
// data before a collection: a server holding 2 GB sat at 3 GB after a few
// thousand searches. keepHeapNearLive sets a soft memory limit a quarter
// above the live heap (at least 256 MiB above), following it as the
// catalogue grows, so the collector runs before that point. An operator's
// GOMEMLIMIT or GOGC wins: then the runtime's own settings stand.
//
// No limit is set while the index loads at start: the heap then grows from
// nothing to its full size in seconds, and a limit following the live heap
// would stay behind it and make the collector run without pause (loading a
// million papers' snapshot took 9.2 s instead of 3.4 s). For the same
// reason the first limit follows a collection run once the index is loaded:
// the live heap the runtime knows is the one its last collection found,
// which may date from halfway through loading (1.1 GB of 1.7 GB). A limit
// below the heap in use keeps the collector running, at up to half the
// CPU, until the next adjustment: a node back from a restart served a
// fifth fewer requests for 10 s after it was ready.

// heapHeadroom is the memory allowed above the live heap.
func heapHeadroom(live uint64) uint64 { return max(live/4, 256<<20) }

// keepHeapNearLive adjusts the soft memory limit every interval from when
// loaded is closed until ctx is done.
func keepHeapNearLive(ctx context.Context, loaded <-chan struct{}, logger *slog.Logger, interval time.Duration) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	select {
	case <-loaded:
	case <-ctx.Done():
		return
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var last uint64
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		metrics.Read(sample)
		// The live heap is known once a collection has run.
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > 0 {
			live := sample[0].Value.Uint64()
			limit := live + heapHeadroom(live)
			// Log only real changes: the live heap moves a little after
			// every collection.
			if last == 0 || limit > last+last/8 || limit < last-last/8 {
				logger.Debug("memory limit", "live_mb", live>>20, "limit_mb", limit>>20)
				last = limit
			}
			debug.SetMemoryLimit(int64(limit))
		}
		select {
		case <-ctx.Done():
			debug.SetMemoryLimit(math.MaxInt64)
			return
		case <-t.C:
		}
	}
}
