package vector

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time used by the calling OS thread, which with
// the goroutine locked to its thread measures a query's own work however
// busy the machine is.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// processCPU returns the CPU time used by the process so far.
func processCPU() time.Duration {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
