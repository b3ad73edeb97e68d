package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"quire"
	"quire/internal/progress"
)

func addInt64(p *int64, n int64) { atomic.AddInt64(p, n) }

// run is one import: a reader goroutine cuts the input into chunks, workers
// parse chunks in parallel, and the calling goroutine writes their results
// in input order, so that a later record of a paper always wins.
type run struct {
	im      *Importer
	name    string
	src     *source
	counted *countingReader
	bar     *progress.Bar
	// file is the file imported, when its position is kept; skip is how
	// many of its records an interrupted import stored.
	file os.FileInfo
	skip int

	consumed  int       // records read and handed to the writer, skipped ones included
	stored    int       // of those, the records whose papers are stored
	lastSaved time.Time // when the position was last saved

	sum      Summary
	papers   []*quire.Paper
	entries  []*quire.DailyEntry
	problems int
}

type chunk struct {
	recs []record
	out  []parsed
	done chan struct{}
}

const (
	chunkRecords = 256
	chunkBytes   = 4 << 20
)

func (r *run) do(parent context.Context) (Summary, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	workers := r.im.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	todo := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	readErr := make(chan error, 1)
	go func() {
		defer close(todo)
		defer close(ordered)
		readErr <- r.read(ctx, todo, ordered)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range todo {
				c.out = make([]parsed, len(c.recs))
				for i, rec := range c.recs {
					c.out[i] = r.src.parse(rec)
				}
				close(c.done)
			}
		}()
	}
	err := r.write(ctx, ordered)
	cancel()
	// Drain so the reader and workers can finish, then wait for them.
	for range ordered {
	}
	wg.Wait()
	if rerr := <-readErr; err == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		// The input broke off (truncated or corrupt): what came before
		// is stored; say where it stopped.
		err = fmt.Errorf("%s: %w", r.name, rerr)
	}
	if err == nil {
		err = parent.Err()
	}
	// The whole file is in: forget its position. Otherwise keep the
	// position of what is stored, so that the same command resumes there.
	if err == nil {
		err = r.saveCheckpoint(parent, 0, true)
	} else if serr := r.saveCheckpoint(context.WithoutCancel(parent), r.stored, false); serr != nil {
		r.im.logger().Warn("saving the import's position", "file", r.name, "error", serr)
	}
	return r.sum, err
}

// read cuts the input into chunks and hands each to a worker and, in order,
// to the writer, after passing over the records an interrupted import
// stored (read, not parsed).
func (r *run) read(ctx context.Context, todo, ordered chan<- *chunk) error {
	for i := 0; i < r.skip; i++ {
		if _, err := r.src.next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if i%chunkRecords == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	for {
		c := &chunk{done: make(chan struct{})}
		size := 0
		var err error
		for len(c.recs) < chunkRecords && size < chunkBytes {
			var rec record
			rec, err = r.src.next()
			if err != nil {
				break
			}
			c.recs = append(c.recs, rec)
			size += len(rec.data)
		}
		if len(c.recs) > 0 {
			select {
			case todo <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case ordered <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// write stores parsed records in batches, in input order, saving the
// position every few seconds once a batch is stored.
func (r *run) write(ctx context.Context, ordered <-chan *chunk) error {
	r.consumed, r.stored = r.skip, r.skip
	r.sum.Resumed = r.skip
	r.lastSaved = time.Now()
	for c := range ordered {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, p := range c.out {
			r.sum.Read += p.read
			r.papers = append(r.papers, p.papers...)
			r.entries = append(r.entries, p.entries...)
			for _, prob := range p.problems {
				r.report(prob)
			}
		}
		r.consumed += len(c.recs)
		if len(r.papers) >= r.batchSize() {
			if err := r.flush(ctx); err != nil {
				return err
			}
			r.stored = r.consumed
			if time.Since(r.lastSaved) >= checkpointEvery {
				if err := r.saveCheckpoint(ctx, r.stored, false); err != nil {
					return err
				}
				r.lastSaved = time.Now()
			}
		}
		if r.bar != nil {
			r.bar.Set(atomic.LoadInt64(&r.counted.n), int64(r.sum.Read))
		}
	}
	if err := r.flush(ctx); err != nil {
		return err
	}
	r.stored = r.consumed
	return nil
}

// flush writes the pending papers, then the entries that refer to them, in
// transactions of at most the batch size.
func (r *run) flush(ctx context.Context) error {
	r.sum.ParsedPapers += len(r.papers)
	r.sum.ParsedEntries += len(r.entries)
	if !r.im.DryRun {
		for b := range slices.Chunk(r.papers, r.batchSize()) {
			st, err := r.im.Store.UpsertPapers(ctx, b)
			if err != nil {
				return err
			}
			r.sum.Papers.Add(st)
		}
		for b := range slices.Chunk(r.entries, r.batchSize()) {
			st, err := r.im.Store.UpsertDailyEntries(ctx, b)
			if err != nil {
				return err
			}
			r.sum.Entries.Add(st)
		}
	}
	r.papers, r.entries = r.papers[:0], r.entries[:0]
	return nil
}

func (r *run) batchSize() int {
	if r.im.BatchSize > 0 {
		return r.im.BatchSize
	}
	return 1000
}

func (r *run) report(p Problem) {
	p.File = r.name
	r.sum.Skipped++
	if len(r.sum.Problems) < maxProblems {
		r.sum.Problems = append(r.sum.Problems, p)
	}
	msg := quire.UserMessage(p.Err)
	if msg == "" {
		msg = p.Err.Error()
	}
	r.im.logger().Warn("skipped a malformed record", "file", p.File, "line", p.Line, "item", p.Item, "error", msg)
}
