package lexical

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentAddSearch adds, replaces and deletes documents while other
// goroutines search, expand, snapshot and flush; run it with -race. Every
// answer must be well formed, and the final state must rank exactly like
// the reference.
func TestConcurrentAddSearch(t *testing.T) {
	docs := MustDocs(t, 1600)
	ix, nv, an := MustIndex(t, docs[:400], 64)
	g := newQueryGen(an, docs, 9)
	var queries []Request
	for i := range 40 {
		queries = append(queries, Request{Should: g.terms(1 + i%4), K: 10})
	}
	queries = append(queries, Request{Should: analysed(an, "language models"), Must: [][]string{analysed(an, "language models")}, K: 10})

	var wg sync.WaitGroup
	var stop atomic.Bool
	var searches atomic.Int64
	// Writers: two disjoint id ranges; each also replaces and deletes.
	var mu sync.Mutex // guards nv
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 400 + w; i < len(docs); i += 2 {
				id := uint32(i)
				ix.Add(id, docs[i])
				mu.Lock()
				nv.add(id, docs[i])
				mu.Unlock()
				if i%10 == 0 {
					old := uint32(i - 200)
					ix.Add(old, docs[i/2])
					mu.Lock()
					nv.add(old, docs[i/2])
					mu.Unlock()
				}
				if i%15 == 1 {
					ix.Delete(uint32(i - 100))
					mu.Lock()
					nv.delete(uint32(i - 100))
					mu.Unlock()
				}
			}
		}()
	}
	// Readers.
	for r := range 2 {
		go func() {
			for i := r; !stop.Load(); i++ {
				q := queries[i%len(queries)]
				hits := ix.Search(q)
				if err := wellFormed(hits, q.K); err != nil {
					t.Error(err)
					return
				}
				ix.Expand("lang", 5)
				searches.Add(1)
			}
		}()
	}
	// Maintenance callers.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			if i%2 == 0 {
				if _, err := ix.WriteTo(io.Discard); err != nil {
					t.Error(err)
				}
			} else {
				ix.Flush()
			}
			_ = ix.MemoryBytes()
			_ = ix.Len()
		}
	}()
	wg.Wait()
	stop.Store(true)
	<-done
	ix.Flush()
	t.Logf("%d searches ran during the writes; %d segments", searches.Load(), len(ix.segs))
	for _, q := range queries {
		want, scores := nv.search(q)
		checkHits(t, fmt.Sprintf("after concurrent writes %q", q.Should), ix.Search(q), want, scores, q.K)
	}
	// And a snapshot of the final state loads to the same answers.
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	loaded := New(an, Params{})
	if _, err := loaded.ReadFrom(&buf); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		want, scores := nv.search(q)
		checkHits(t, fmt.Sprintf("loaded after concurrent writes %q", q.Should), loaded.Search(q), want, scores, q.K)
	}
}

// TestConcurrentLoad loads snapshots while documents are added and
// searched: every search sees one consistent state or the other.
func TestConcurrentLoad(t *testing.T) {
	docs := MustSampleDocs(t)
	ix, _, an := MustIndex(t, docs, 32)
	data := MustSnapshot(t, ix)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				switch w {
				case 0:
					if _, err := ix.ReadFrom(bytes.NewReader(data)); err != nil {
						t.Error(err)
						return
					}
				case 1:
					ix.Add(uint32(1000+i), docs[i%len(docs)])
				case 2:
					q := Request{Should: analysed(an, "model learning"), K: 10}
					if err := wellFormed(ix.Search(q), q.K); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	ix.Flush()
	// Whatever interleaving happened, the statistics agree with the documents.
	if n := ix.Len(); n < len(docs) || n > len(docs)+150 {
		t.Errorf("Len() = %d, want between %d and %d", n, len(docs), len(docs)+150)
	}
	assertConsistent(t, ix)
}

// wellFormed checks a result list: at most k hits, best first, no id twice.
func wellFormed(hits []Hit, k int) error {
	if len(hits) > k {
		return fmt.Errorf("%d hits for k=%d", len(hits), k)
	}
	seen := map[uint32]bool{}
	for i, h := range hits {
		if seen[h.ID] {
			return fmt.Errorf("id %d twice in %v", h.ID, hits)
		}
		seen[h.ID] = true
		if i > 0 && worse(hits[i-1], h) {
			return fmt.Errorf("out of order at %d: %v", i, hits)
		}
	}
	return nil
}

// assertConsistent recomputes the statistics from the live documents'
// forward records and compares them with the maintained ones.
func assertConsistent(tb testing.TB, ix *Index) {
	tb.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	df := make([]int32, len(ix.df))
	live, total := 0, 0.0
	var toks []posTerm
	for _, s := range append(append([]*segment{}, ix.segs...), ix.mem) {
		for ord := range s.len() {
			o := uint32(ord)
			if s.isDead(o) {
				continue
			}
			if l := ix.loc.get(s.ids[ord]); l != (loc{serial: s.serial, ord: o}) {
				tb.Errorf("live copy of id %d at %d/%d, table says %v", s.ids[ord], s.serial, o, l)
			}
			live++
			total += float64(s.wlen[ord])
			toks = decodeRecord(s.record(o), toks[:0])
			seen := map[uint32]bool{}
			for _, tk := range toks {
				if !seen[tk.term] {
					seen[tk.term] = true
					df[tk.term]++
				}
			}
		}
	}
	if live != ix.live {
		tb.Errorf("live = %d, recomputed %d", ix.live, live)
	}
	if d := total - ix.totalWlen; d > 1e-6*total || d < -1e-6*total {
		tb.Errorf("totalWlen = %v, recomputed %v", ix.totalWlen, total)
	}
	for t := range df {
		if df[t] != ix.df[t] {
			tb.Errorf("df[%d] = %d, recomputed %d", t, ix.df[t], df[t])
			return
		}
	}
}
