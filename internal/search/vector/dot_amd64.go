package vector

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels; x/sys/cpu also checks that the
// operating system saves the wide registers.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useF16C selects the kernels that read half-precision vectors.
var useF16C = useAVX2 && cpu.X86.HasF16C

// dotRowsAVX2 sets out[r] to the inner product of q[:n] with m[r*stride:][:n]
// for r < rows. n is a positive multiple of 8.
//
//go:noescape
func dotRowsAVX2(q, m *float32, n, stride, rows int, out *float32)

// dotCodesAVX2 sets out[r] to the inner product of q[:n] with
// codes[r*n:][:n] for r < rows. n is a positive multiple of 16.
//
//go:noescape
func dotCodesAVX2(q *int16, codes *int8, n, rows int, out *int32)

// dotRowsHalfAVX2 sets out[r] to the inner product of q[:n] with the
// half-precision row m[r*n:][:n] for r < rows. n is a positive multiple of 8.
//
//go:noescape
func dotRowsHalfAVX2(q *float32, m *uint16, n, rows int, out *float32)

// halfToFloatAVX2 converts the n half-precision values at src to float32 at
// dst. n is a positive multiple of 8.
//
//go:noescape
func halfToFloatAVX2(src *uint16, dst *float32, n int)
