//go:build !linux

package lexical

import "time"

// threadCPU is not measured outside Linux; latency tables show zero.
func threadCPU() time.Duration { return 0 }
