//go:build !amd64

package vector

const (
	useAVX2 = false
	useF16C = false
)

func dotRowsAVX2(q, m *float32, n, stride, rows int, out *float32) {
	panic("unreachable")
}

func dotCodesAVX2(q *int16, codes *int8, n, rows int, out *int32) {
	panic("unreachable")
}

func dotRowsHalfAVX2(q *float32, m *uint16, n, rows int, out *float32) {
	panic("unreachable")
}

func halfToFloatAVX2(src *uint16, dst *float32, n int) {
	panic("unreachable")
}
