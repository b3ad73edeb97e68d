package search

import (
	"context"
	"fmt"

	"quire"
	"quire/internal/search/lexical"
)

// syncBatch is how many changes Sync reads at a time.
const syncBatch = 2000

// Sync applies the store's changes since the last Sync (everything, the
// first time): it indexes new and changed papers, embeds the ones whose text
// changed and stores their vectors, and updates counts. It returns how many
// changes it applied.
func (e *Engine) Sync(ctx context.Context) (applied int, err error) {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	for {
		e.mu.RLock()
		after := e.seq
		e.mu.RUnlock()
		changes, err := e.store.FindPaperChanges(ctx, after, syncBatch)
		if err != nil {
			return applied, fmt.Errorf("search: reading changes: %w", err)
		}
		if len(changes) == 0 {
			break
		}
		if err := e.apply(ctx, changes); err != nil {
			return applied, err
		}
		applied += len(changes)
	}
	e.mu.Lock()
	e.ready = true
	e.mu.Unlock()
	return applied, nil
}

// apply indexes one batch of changes and embeds what needs it.
func (e *Engine) apply(ctx context.Context, changes []*quire.PaperChange) error {
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
	for _, p := range reindex {
		e.lex.Add(p.id, lexical.Doc{Title: p.paper.Title, Abstract: p.paper.Abstract, Authors: p.paper.Authors})
	}
	if len(embed) > 0 {
		papers := make([]*quire.Paper, len(embed))
		ids := make([]uint32, len(embed))
		for i, p := range embed {
			papers[i], ids[i] = p.paper, p.id
		}
		if err := e.embedAndStore(ctx, ids, papers); err != nil {
			return err
		}
	}
	e.mu.Lock()
	e.seq = changes[len(changes)-1].Seq
	e.mu.Unlock()
	return nil
}

// embedBatch bounds one call to the embedder.
const embedBatch = 256

// embedAndStore embeds papers, stores their vectors and adds them to the
// vector index under ids.
func (e *Engine) embedAndStore(ctx context.Context, ids []uint32, papers []*quire.Paper) error {
	for start := 0; start < len(papers); start += embedBatch {
		end := min(start+embedBatch, len(papers))
		texts := make([]string, 0, end-start)
		for _, p := range papers[start:end] {
			texts = append(texts, embedText(p))
		}
		vecs, err := e.embedder.Embed(ctx, texts)
		if err != nil {
			return fmt.Errorf("search: embedding %d papers: %w", len(texts), err)
		}
		stored := make([]quire.Embedding, len(vecs))
		for i, v := range vecs {
			stored[i] = quire.Embedding{PaperID: papers[start+i].ID, Vector: encodeVector(v)}
		}
		if err := e.store.UpsertEmbeddings(ctx, e.embedder.Name(), stored); err != nil {
			return fmt.Errorf("search: storing vectors: %w", err)
		}
		for i, v := range vecs {
			if err := e.vec.Add(ids[start+i], v); err != nil {
				return err
			}
		}
	}
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
	return e.vec.Build(ctx)
}
