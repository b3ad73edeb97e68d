package analyze

import "testing"

// BenchmarkTokens reports the throughput on real titles and abstracts, with
// a warm stem cache as in a long index build.
func BenchmarkTokens(b *testing.B) {
	texts := MustAbstracts(b)
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	a := New()
	var dst []Token
	for _, t := range texts {
		dst = a.Tokens(t, dst[:0])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			dst = a.Tokens(t, dst[:0])
		}
	}
}

// BenchmarkTokensParallel runs one Analyzer from every core, as the index
// build does.
func BenchmarkTokensParallel(b *testing.B) {
	texts := MustAbstracts(b)
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	a := New()
	for _, t := range texts {
		a.Tokens(t, nil)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var dst []Token
		for pb.Next() {
			for _, t := range texts {
				dst = a.Tokens(t, dst[:0])
			}
		}
	})
}

// BenchmarkTokensCold measures a fresh Analyzer, so every distinct word is
// stemmed once.
func BenchmarkTokensCold(b *testing.B) {
	texts := MustAbstracts(b)
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	var dst []Token
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		a := New()
		for _, t := range texts {
			dst = a.Tokens(t, dst[:0])
		}
	}
}
