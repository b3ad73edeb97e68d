package markdown

import (
	"strings"
	"testing"
)

// BenchmarkRender measures a real abstract and, at the size limit, the
// inputs that make the parser work hardest.
func BenchmarkRender(b *testing.B) {
	abstracts := MustReadAbstracts(b, abstractFixtures[1])
	var all []string
	for _, tt := range renderTests {
		all = append(all, tt.in)
	}
	inputs := []struct{ name, src string }{
		{"abstract", abstracts[0]},
		{"every_test_input", strings.Join(all, "\n\n")},
		{"nested_quotes_at_limit", strings.Repeat(">", MaxBytes)},
		{"link_openers_at_limit", strings.Repeat("[](", MaxBytes/3)},
		{"brackets_at_limit", strings.Repeat("[", MaxBytes)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.src)))
			for b.Loop() {
				_, _ = Render(in.src)
			}
		})
	}
}
