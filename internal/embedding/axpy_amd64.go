package embedding

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernel; x/sys/cpu also checks that the
// operating system saves the wide registers.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// axpyInt8AVX2 adds alpha·x[i] to y[i] for i < n, n a multiple of 8.
//
//go:noescape
func axpyInt8AVX2(alpha float32, x *int8, y *float32, n int)
