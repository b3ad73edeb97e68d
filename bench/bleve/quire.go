package main

import (
	"runtime"
	"sync"
	"time"

	"quire/internal/search/analyze"
	"quire/internal/search/lexical"
)

// quireEngine is Quire's in-memory lexical index with its default
// parameters, queried as the search engine queries it for plain words: the
// query's analysed terms, OR'ed, top k by BM25F.
type quireEngine struct {
	a  *analyze.Analyzer
	ix *lexical.Index
}

func newQuire() (*quireEngine, error) {
	a := analyze.New()
	return &quireEngine{a: a, ix: lexical.New(a, lexical.Params{})}, nil
}

// Index adds the papers from one goroutine per core: Add analyses text
// before it takes the index's lock, as Bleve's batches analyse documents on
// every core. Each paper is searchable once Add returns.
func (e *quireEngine) Index(docs <-chan doc) error {
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range docs {
				e.ix.Add(p.N, lexical.Doc{Title: p.Title, Abstract: p.Abstract, Authors: p.Authors})
			}
		})
	}
	wg.Wait()
	return nil
}

// Settle compacts the index into one segment, as after a bulk load, the
// counterpart of Bleve persisting and merging its segments.
func (e *quireEngine) Settle() (time.Time, error) {
	e.ix.Compact()
	return time.Now(), nil
}

func (e *quireEngine) Search(q string, k int) (int, error) {
	toks := e.a.Tokens(q, nil)
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return len(e.ix.Search(lexical.Request{Should: terms, K: k})), nil
}

func (e *quireEngine) Footprint() (memory, disk int64) { return e.ix.MemoryBytes(), 0 }

func (e *quireEngine) Close() error { return nil }
