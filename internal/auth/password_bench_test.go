package auth

import (
	"fmt"
	"testing"
)

// BenchmarkHashPassword measures the current parameters, then the nearby
// choices they were picked from (64 MiB, 2 lanes, 1 to 3 passes).
func BenchmarkHashPassword(b *testing.B) {
	b.Run("current", func(b *testing.B) {
		for b.Loop() {
			if _, err := HashPassword("correct horse battery staple"); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, t := range []uint32{1, 2, 3} {
		p := currentParams
		p.time = t
		b.Run(fmt.Sprintf("m=64MiB,t=%d,p=2", t), func(b *testing.B) {
			for b.Loop() {
				if _, err := hashWithParams("correct horse battery staple", p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHashPasswordParallel measures throughput when log-ins arrive
// together: hashSlots lets at most GOMAXPROCS run at once.
func BenchmarkHashPasswordParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := HashPassword("correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
