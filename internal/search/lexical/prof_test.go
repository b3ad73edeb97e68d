package lexical

import (
	"fmt"
	"os"
	"testing"
)

func BenchmarkBreakdown(b *testing.B) {
	_, ix, _ := benchIndex(b)
	for b.Loop() {
		s := ix.segs[0]
		p := s.post
		mb := func(n int) float64 { return float64(n) / 1e6 }
		nposts := 0
		for _, d := range p.tdf {
			nposts += int(d)
		}
		fmt.Fprintf(os.Stderr, "docs %d postings %d terms %d blocks %d impacts %d timp %d\n", s.len(), nposts, len(p.terms), len(p.blast), len(p.imp), len(p.tImp))
		fmt.Fprintf(os.Stderr, "data %.1f MB (%.2f B/posting) fwd %.1f MB (%.0f B/doc)\n", mb(len(p.data)), float64(len(p.data))/float64(nposts), mb(len(s.fwd)), float64(len(s.fwd))/float64(s.len()))
		fmt.Fprintf(os.Stderr, "term dir %.1f MB blocks %.1f MB impacts %.1f MB perdoc %.1f MB vocab %.1f MB loc %.1f MB total %.1f MB\n",
			mb(len(p.terms)*16), mb(len(p.blast)*16), mb((len(p.imp)+len(p.tImp))*8), mb(s.len()*16), mb(int(ix.voc.memoryBytes())), mb(int(ix.loc.memoryBytes())), mb(int(ix.MemoryBytes())))
	}
}
