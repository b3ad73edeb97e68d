package embedding

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"sync"
)

// termStat counts one term over the catalogue.
type termStat struct {
	count int64 // occurrences
	df    int32 // documents containing it
	last  int32 // last document (per worker) that counted it, for df
}

// vocabCounts is the result of the counting pass.
type vocabCounts struct {
	terms   map[string]termStat
	docs    int
	tokens  int64
	samples int // documents the second pass will keep
}

// maxTrackedTerms bounds the counting map: past it, terms seen once are
// forgotten (they could never reach the minimum count that matters anyway
// unless the catalogue is huge, and then they are noise).
const maxTrackedTerms = 4 << 20

// feedBatches reads docs in batches of texts numbered from 0 and hands
// them to workers; it stops early when ctx is done.
func feedBatches(ctx context.Context, docs iter.Seq[string], workers int, work func(worker, first int, batch []string)) error {
	type job struct {
		first int
		batch []string
	}
	jobs := make(chan job, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				work(w, j.first, j.batch)
			}
		}()
	}
	const batchSize = 256
	batch := make([]string, 0, batchSize)
	n := 0
	for doc := range docs {
		batch = append(batch, doc)
		if len(batch) == batchSize {
			if ctx.Err() != nil {
				break
			}
			jobs <- job{n, batch}
			n += len(batch)
			batch = make([]string, 0, batchSize)
		}
	}
	if len(batch) > 0 && ctx.Err() == nil {
		jobs <- job{n, batch}
	}
	close(jobs)
	wg.Wait()
	return ctx.Err()
}

// countVocab tokenizes every document once and counts its terms.
func countVocab(ctx context.Context, docs iter.Seq[string], tok tokenizer, workers int) (*vocabCounts, error) {
	type local struct {
		terms  map[string]termStat
		docs   int
		tokens int64
	}
	locals := make([]*local, workers)
	for w := range locals {
		locals[w] = &local{terms: make(map[string]termStat, 1<<16)}
	}
	err := feedBatches(ctx, docs, workers, func(w, first int, batch []string) {
		l := locals[w]
		var terms []string
		for i, doc := range batch {
			id := int32(first + i + 1)
			terms = tok.appendTerms(terms[:0], doc)
			for _, t := range terms {
				s := l.terms[t]
				s.count++
				if s.last != id {
					s.last = id
					s.df++
				}
				l.terms[t] = s
			}
			l.docs++
			l.tokens += int64(len(terms))
			if len(l.terms) > maxTrackedTerms {
				for t, s := range l.terms {
					if s.count <= 1 {
						delete(l.terms, t)
					}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	vc := &vocabCounts{terms: map[string]termStat{}}
	slices.SortFunc(locals, func(a, b *local) int { return cmp.Compare(len(b.terms), len(a.terms)) })
	for i, l := range locals {
		if i == 0 {
			vc.terms = l.terms
		} else {
			for t, s := range l.terms {
				m := vc.terms[t]
				m.count += s.count
				m.df += s.df
				vc.terms[t] = m
			}
		}
		vc.docs += l.docs
		vc.tokens += l.tokens
	}
	return vc, nil
}

// selectVocab returns the terms seen at least minCount times, most frequent
// first (ties by term), at most maxVocab of them.
func selectVocab(vc *vocabCounts, minCount, maxVocab int) []string {
	var terms []string
	for t, s := range vc.terms {
		if s.count >= int64(minCount) {
			terms = append(terms, t)
		}
	}
	slices.SortFunc(terms, func(a, b string) int {
		if c := cmp.Compare(vc.terms[b].count, vc.terms[a].count); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(terms) > maxVocab {
		terms = terms[:maxVocab]
	}
	return terms
}
