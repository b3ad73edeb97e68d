package cli

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"quire"
	"quire/internal/config"
	"quire/internal/embedding"
	"quire/internal/search"
	"quire/internal/store"
)

// searcher is the search engine the pages and the API use. It is empty
// while the index loads at start, and replaced when a freshly trained
// embedding model makes semantic search possible.
type searcher struct {
	p    atomic.Pointer[search.Engine]
	done chan struct{} // closed when the background work has stopped
}

func newSearcher() *searcher { return &searcher{done: make(chan struct{})} }

var errIndexLoading = quire.Unavailablef("The search index is still loading; please try again in a moment.")

func (s *searcher) engine() (*search.Engine, error) {
	e := s.p.Load()
	if e == nil {
		return nil, errIndexLoading
	}
	return e, nil
}

// Search runs a search on the current engine.
func (s *searcher) Search(ctx context.Context, r search.Request) (*search.Response, error) {
	e, err := s.engine()
	if err != nil {
		return nil, err
	}
	return e.Search(ctx, r)
}

// Similar finds papers like paperID on the current engine.
func (s *searcher) Similar(ctx context.Context, paperID string, k int) ([]search.Result, error) {
	e, err := s.engine()
	if err != nil {
		return nil, err
	}
	return e.Similar(ctx, paperID, k)
}

// Snippet cuts and highlights text for a result.
func (s *searcher) Snippet(text string, terms map[string]bool, maxBytes int) []search.Segment {
	e, err := s.engine()
	if err != nil {
		return []search.Segment{{Text: text}}
	}
	return e.Snippet(text, terms, maxBytes)
}

// Ready reports whether searches can run.
func (s *searcher) Ready() bool {
	e := s.p.Load()
	return e != nil && e.Ready()
}

// autoTrainLimit is the largest catalogue for which `quire serve` trains the
// built-in model by itself; larger ones are left to `quire index`, which
// does not compete with serving for memory and time.
const autoTrainLimit = 200_000

// start builds the engine in the background and then follows the catalogue
// until ctx ends, saving a snapshot after the build and at the end; done is
// closed when it has stopped.
func (s *searcher) start(ctx context.Context, cfg *config.Config, db store.DB, logger *slog.Logger) {
	go func() {
		defer close(s.done)
		emb, err := newEmbedder(ctx, cfg, db)
		if err != nil {
			logger.Error("search: semantic search is off", "error", err)
		}
		e, err := openEngine(ctx, cfg, db, emb, logger)
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("search: building the index failed; search is unavailable", "error", err)
			}
			return
		}
		s.p.Store(e)
		s.save(e, logger)
		if emb == nil && cfg.Embedder == "builtin" {
			if e2 := s.train(ctx, cfg, db, logger); e2 != nil {
				e = e2
			}
		}
		e.Follow(ctx, 2*time.Second)
		s.save(e, logger)
	}()
}

// train learns the built-in model for a small catalogue and returns an
// engine with semantic search, or nil.
func (s *searcher) train(ctx context.Context, cfg *config.Config, db store.DB, logger *slog.Logger) *search.Engine {
	n, err := db.CountPapers(ctx)
	if err != nil || n == 0 {
		return nil
	}
	if n > autoTrainLimit {
		logger.Info("search: no embedding model yet; run `quire index` to enable semantic search", "papers", n)
		return nil
	}
	logger.Info("search: training the embedding model in the background", "papers", n)
	m, err := search.TrainBuiltin(ctx, db, embedding.TrainOptions{Logger: logger}, logger)
	if err != nil {
		if ctx.Err() == nil {
			logger.Error("search: training the embedding model failed; semantic search is off", "error", err)
		}
		return nil
	}
	e, err := openEngine(ctx, cfg, db, m, logger)
	if err != nil {
		if ctx.Err() == nil {
			logger.Error("search: building the semantic index failed", "error", err)
		}
		return nil
	}
	s.p.Store(e)
	s.save(e, logger)
	return e
}

func (s *searcher) save(e *search.Engine, logger *slog.Logger) {
	start := time.Now()
	if err := e.Save(); err != nil {
		logger.Warn("search: could not save the index snapshot", "error", err)
		return
	}
	logger.Debug("search: saved the index snapshot", "took", time.Since(start).Round(time.Millisecond))
}
