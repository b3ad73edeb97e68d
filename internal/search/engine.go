// Package search is Quire's search engine: lexical (BM25) and semantic
// (embedding) retrieval over the catalogue, fused into one ranking, with
// filters, snippets and similar papers. Its indexes live in memory, built
// from the store and kept current by following the store's change feed, so
// both storage backends rank identically and each node holds its own copy;
// a snapshot on disk spares a restart the rebuild.
package search

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"quire"
	"quire/internal/embedding"
	"quire/internal/search/analyze"
	"quire/internal/search/lexical"
	"quire/internal/search/vector"
)

// Store is what the engine reads from the store.
type Store interface {
	FindPaperChanges(ctx context.Context, afterSeq int64, limit int) ([]*quire.PaperChange, error)
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
	UpsertEmbeddings(ctx context.Context, model string, vectors []quire.Embedding) error
	FindEmbeddings(ctx context.Context, model, afterPaperID string, limit int) ([]quire.Embedding, error)
	FindPapersWithoutEmbedding(ctx context.Context, model, afterPaperID string, limit int) ([]*quire.Paper, error)
	PutSimilarPapers(ctx context.Context, sets []quire.SimilarPapers) error
	FindSimilarPapers(ctx context.Context, paperID string) (*quire.SimilarPapers, error)
}

// Options configure an Engine.
type Options struct {
	// Embedder makes the vectors of semantic search; nil turns semantic
	// search off (lexical only).
	Embedder embedding.Embedder
	// Scoring tunes hybrid ranking; zero fields take the defaults.
	Scoring ScoringParams
	// Lexical tunes BM25; zero fields take the package defaults.
	Lexical lexical.Params
	// SnapshotPath, when set, is where Save writes the indexes and Load
	// reads them.
	SnapshotPath string
	Logger       *slog.Logger
}

// Engine answers searches. It is safe for concurrent use; Sync may run
// while searches do.
type Engine struct {
	store    Store
	analyzer *analyze.Analyzer
	embedder embedding.Embedder
	scoring  ScoringParams
	snapshot string
	logger   *slog.Logger

	lex *lexical.Index
	vec *vector.Index // nil without an embedder

	// syncMu serialises Sync; mu guards docs and seq.
	syncMu sync.Mutex
	mu     sync.RWMutex
	docs   docTable
	seq    int64 // the last change-feed position applied
	ready  bool  // the first full sync or a snapshot load finished
	// persisted: the indexes were loaded from or saved to the snapshot
	// file, and unsaved changes have been applied since.
	persisted bool
	unsaved   int

	similar similarCache // Similar's recent answers
	// sharing bounds the writes of similar papers to the store in
	// flight; one that finds it full is dropped (see shareSimilar).
	sharing chan struct{}
}

// New returns an empty engine over store; call Load, LoadVectors and Sync to
// fill it.
func New(store Store, opts Options) (*Engine, error) {
	a := analyze.New()
	e := &Engine{
		store:    store,
		analyzer: a,
		embedder: opts.Embedder,
		scoring:  opts.Scoring.WithDefaults(),
		snapshot: opts.SnapshotPath,
		logger:   opts.Logger,
		lex:      lexical.New(a, opts.Lexical),
		docs:     newDocTable(),
		sharing:  make(chan struct{}, similarWrites),
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	if e.embedder != nil {
		vec, err := vector.New(e.embedder.Dim(), vector.Params{})
		if err != nil {
			return nil, fmt.Errorf("search: embedder %s: %w", e.embedder.Name(), err)
		}
		e.vec = vec
	}
	return e, nil
}

// Ready reports whether the engine holds the whole catalogue: a snapshot was
// loaded or a first Sync has run.
func (e *Engine) Ready() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.ready
}

// Semantic reports whether semantic search is available.
func (e *Engine) Semantic() bool { return e.embedder != nil }

// ModelName is the embedder's name, or "" without one.
func (e *Engine) ModelName() string {
	if e.embedder == nil {
		return ""
	}
	return e.embedder.Name()
}

// Stats describes the engine's contents.
type Stats struct {
	Papers       int
	Vectors      int
	Seq          int64
	LexicalBytes int64
	Model        string
}

// Stats returns the engine's current size.
func (e *Engine) Stats() Stats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := Stats{Papers: e.docs.live, Seq: e.seq, LexicalBytes: e.lex.MemoryBytes(), Model: e.ModelName()}
	if e.vec != nil {
		st.Vectors = e.vec.Len()
	}
	return st
}
