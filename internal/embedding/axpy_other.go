//go:build !amd64

package embedding

const useAVX2 = false

func axpyInt8AVX2(alpha float32, x *int8, y *float32, n int) {
	panic("unreachable")
}
