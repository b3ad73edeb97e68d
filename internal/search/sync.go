package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	"quire"
	"quire/internal/search/lexical"
)

// syncBatch is how many changes Sync reads at a time.
const syncBatch = 2000

// Sync applies the store's changes since the last Sync (everything, the
// first time): it indexes new and changed papers, embeds the ones whose text
// changed and stores their vectors, and updates counts. It returns how many
// changes it applied.
//
// A batch goes through three stages that overlap with the neighbouring
// batches: reading it from the store, indexing its text while its vectors
// are computed, and storing those vectors. On a database server the reads
// and writes then cost little more than the server's own work. Batches
// finish in feed order: the engine's position moves past a batch only once
// its vectors are stored and indexed, so a failed Sync leaves nothing
// behind that the next one would not redo.
func (e *Engine) Sync(ctx context.Context) (applied int, err error) {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.mu.RLock()
	after := e.seq
	e.mu.RUnlock()

	// The first error stops every stage; the others then fail only
	// because of it.
	var syncErr error
	var errOnce sync.Once
	fail := func(err error) {
		errOnce.Do(func() { syncErr = err })
		cancel()
	}

	// One batch read ahead, one being indexed, one being stored.
	reads := make(chan []*quire.PaperChange, 1)
	writes := make(chan *syncBatchWork, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(reads)
		for {
			changes, err := e.store.FindPaperChanges(ctx, after, syncBatch)
			if err != nil {
				fail(fmt.Errorf("search: reading changes: %w", err))
				return
			}
			if len(changes) == 0 {
				return
			}
			select {
			case reads <- changes:
			case <-ctx.Done():
				return
			}
			after = changes[len(changes)-1].Seq
		}
	}()
	// How long indexing waited for reads and how long storing took show
	// which stage bounds a large Sync.
	start := time.Now()
	var readWait, storeTime time.Duration
	writeDone := make(chan struct{})
	go func() {
		defer close(writeDone)
		failed := false
		for w := range writes {
			if failed {
				continue // drain: the batch loop stops at the first error
			}
			t := time.Now()
			err := e.storeVectors(ctx, w)
			storeTime += time.Since(t)
			if err != nil {
				fail(err)
				failed = true
				continue
			}
			applied += len(w.changes)
		}
	}()
	for {
		t := time.Now()
		changes, ok := <-reads
		readWait += time.Since(t)
		if !ok {
			break
		}
		w, err := e.apply(ctx, changes)
		if err != nil {
			fail(err)
			break
		}
		select {
		case writes <- w:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(writes)
	<-writeDone
	cancel()
	for range reads {
		// Unblock the reader after an error.
	}
	<-readDone
	if syncErr == nil {
		syncErr = parent.Err() // a stage may have stopped without an error of its own
	}
	if syncErr != nil {
		return applied, syncErr
	}
	e.mu.Lock()
	e.ready = true
	e.mu.Unlock()
	if applied >= syncBatch {
		e.logger.Info("search: applied the changes", "changes", applied, "took", time.Since(start).Round(time.Millisecond),
			"waiting_for_reads", readWait.Round(time.Millisecond), "storing_vectors", storeTime.Round(time.Millisecond))
	}
	return applied, nil
}

// syncBatchWork is a batch of changes indexed and embedded, waiting for its
// vectors to be stored.
type syncBatchWork struct {
	changes []*quire.PaperChange
	ids     []uint32
	stored  []quire.Embedding
	vecs    [][]float32
}

// apply indexes one batch of changes and embeds what needs it, embedding
// while the text is indexed.
func (e *Engine) apply(ctx context.Context, changes []*quire.PaperChange) (*syncBatchWork, error) {
	type pending struct {
		id    uint32
		paper *quire.Paper
	}
	var reindex, embed []pending
	var buf []float32
	e.mu.Lock()
	for _, c := range changes {
		id, isNew := e.docs.assign(c.Paper.ID)
		changed := e.docs.update(id, c)
		if isNew || changed {
			reindex = append(reindex, pending{id, &c.Paper})
		}
		// A paper whose text changed, or that has no vector yet (a new
		// paper, or a model that is newer than it), is embedded.
		if e.vec != nil {
			var has bool
			buf, has = e.vec.Vector(id, buf[:0])
			if changed && !isNew || !has {
				embed = append(embed, pending{id, &c.Paper})
			}
		}
	}
	e.mu.Unlock()
	w := &syncBatchWork{changes: changes}
	var embedErr error
	embedded := make(chan struct{})
	go func() {
		defer close(embedded)
		if len(embed) == 0 {
			return
		}
		papers := make([]*quire.Paper, len(embed))
		w.ids = make([]uint32, len(embed))
		for i, p := range embed {
			papers[i], w.ids[i] = p.paper, p.id
		}
		w.stored, w.vecs, embedErr = e.embed(ctx, papers)
	}()
	for _, p := range reindex {
		e.lex.Add(p.id, lexical.Doc{Title: p.paper.Title, Abstract: p.paper.Abstract, Authors: p.paper.Authors})
	}
	<-embedded
	if embedErr != nil {
		return nil, embedErr
	}
	return w, nil
}

// embedBatch bounds one call to the embedder.
const embedBatch = 256

// embed returns the vectors of papers, as the embedder makes them and as
// they are stored.
func (e *Engine) embed(ctx context.Context, papers []*quire.Paper) ([]quire.Embedding, [][]float32, error) {
	stored := make([]quire.Embedding, 0, len(papers))
	vecs := make([][]float32, 0, len(papers))
	texts := make([]string, 0, embedBatch)
	for start := 0; start < len(papers); start += embedBatch {
		end := min(start+embedBatch, len(papers))
		texts = texts[:0]
		for _, p := range papers[start:end] {
			texts = append(texts, embedText(p))
		}
		vs, err := e.embedder.Embed(ctx, texts)
		if err != nil {
			return nil, nil, fmt.Errorf("search: embedding %d papers: %w", len(texts), err)
		}
		for i, v := range vs {
			stored = append(stored, quire.Embedding{PaperID: papers[start+i].ID, Vector: encodeVector(v)})
		}
		vecs = append(vecs, vs...)
	}
	return stored, vecs, nil
}

// storeVectors writes a batch's vectors to the store, in one call, adds them to
// the vector index and moves the engine's position past the batch.
func (e *Engine) storeVectors(ctx context.Context, w *syncBatchWork) error {
	if len(w.stored) > 0 {
		if err := e.store.UpsertEmbeddings(ctx, e.embedder.Name(), w.stored); err != nil {
			return fmt.Errorf("search: storing vectors: %w", err)
		}
		for i, v := range w.vecs {
			if err := e.vec.Add(w.ids[i], v); err != nil {
				return err
			}
		}
	}
	e.mu.Lock()
	e.seq = w.changes[len(w.changes)-1].Seq
	e.unsaved += len(w.changes)
	e.mu.Unlock()
	return nil
}

// embedText is what a paper's vector is made from: its title and abstract
// (never the AI summary or keywords of a daily list).
func embedText(p *quire.Paper) string { return p.Title + ". " + p.Abstract }

// LoadVectors reads the stored vectors of the engine's model into the vector
// index, numbering their papers, so that Sync embeds only what is missing.
func (e *Engine) LoadVectors(ctx context.Context) (int, error) {
	if e.vec == nil {
		return 0, nil
	}
	model, dim := e.embedder.Name(), e.embedder.Dim()
	n, after := 0, ""
	for {
		batch, err := e.store.FindEmbeddings(ctx, model, after, 10000)
		if err != nil {
			return n, fmt.Errorf("search: reading vectors: %w", err)
		}
		if len(batch) == 0 {
			return n, nil
		}
		e.mu.Lock()
		for _, emb := range batch {
			v, err := decodeVector(emb.Vector, dim)
			if err != nil {
				e.mu.Unlock()
				return n, fmt.Errorf("search: vector of %s: %w", emb.PaperID, err)
			}
			id, _ := e.docs.assign(emb.PaperID)
			if err := e.vec.Add(id, v); err != nil {
				e.mu.Unlock()
				return n, err
			}
			n++
		}
		// The snapshot file, if one was read, lacks these vectors.
		e.persisted = false
		e.mu.Unlock()
		after = batch[len(batch)-1].PaperID
	}
}

// BuildVectors trains the vector index's quantiser on the vectors it holds
// (see vector.Index.Build); call it after a large load or Sync.
func (e *Engine) BuildVectors(ctx context.Context) error {
	if e.vec == nil {
		return nil
	}
	start := time.Now()
	if err := e.vec.Build(ctx); err != nil {
		return err
	}
	e.logger.Info("search: built the vector index", "vectors", e.vec.Len(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
