//go:build !amd64

package vector

const useAVX2 = false

func dotRowsAVX2(q, m *float32, n, stride, rows int, out *float32) {
	panic("unreachable")
}

func dotCodesAVX2(q *int16, codes *int8, n, rows int, out *int32) {
	panic("unreachable")
}
