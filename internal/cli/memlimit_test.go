package cli

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestKeepHeapNearLive(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		t.Skip("GOMEMLIMIT or GOGC is set: the server leaves the runtime's settings alone")
	}
	// Live heap the limit must make room for, larger than the least
	// headroom, and allocated with the collector off, as an index that
	// finishes loading between two collections is: the runtime's last
	// count of the live heap does not include it.
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	ballast := make([]byte, 300<<20)
	for i := range ballast {
		ballast[i] = 1 // touched, as an index is
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	loaded := make(chan struct{})
	go func() {
		keepHeapNearLive(ctx, loaded, slog.New(slog.DiscardHandler), time.Millisecond)
		close(done)
	}()
	// Nothing is limited while the index loads.
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d MiB set before the index loaded", got>>20)
	}
	close(loaded)
	deadline := time.Now().Add(10 * time.Second)
	var limit int64
	for {
		if limit = debug.SetMemoryLimit(-1); limit != math.MaxInt64 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if limit == math.MaxInt64 {
		t.Fatal("no memory limit was set")
	}
	if limit < int64(len(ballast))+256<<20 {
		t.Errorf("memory limit %d MiB leaves no room above a live heap of at least %d MiB", limit>>20, len(ballast)>>20)
	}
	cancel()
	<-done
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after stopping = %d, want none", got)
	}
	if heapHeadroom(8<<30) != 2<<30 || heapHeadroom(1<<20) != 256<<20 {
		t.Errorf("heapHeadroom: %d, %d", heapHeadroom(8<<30), heapHeadroom(1<<20))
	}
	ballast[0] = 1
}
