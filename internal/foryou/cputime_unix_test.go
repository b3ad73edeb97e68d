//go:build unix

package foryou

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used: on a shared
// machine, a request's own cost, whatever else runs.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
