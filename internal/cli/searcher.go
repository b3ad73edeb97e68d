package cli

import (
	"context"
	"log/slog"
	"sync"
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
	p      atomic.Pointer[search.Engine]
	built  chan struct{} // closed when the first build has ended, well or not
	failed atomic.Bool   // that build failed: search stays unavailable
	done   chan struct{} // closed when the background work has stopped
	// poll is how often the engine reads the change feed unprompted
	// (followInterval; tests lengthen it to show that announcements
	// alone keep a node current).
	poll time.Duration
}

func newSearcher() *searcher {
	return &searcher{built: make(chan struct{}), done: make(chan struct{}), poll: followInterval}
}

// followInterval is how often a node reads the change feed whether or not
// it was told of changes: the catch-up for announcements it missed, and
// all there is on SQLite.
const followInterval = 2 * time.Second

var (
	errIndexLoading = quire.Unavailablef("The search index is still loading; please try again in a moment.")
	errIndexFailed  = quire.Unavailablef("Search is unavailable on this server at the moment.")
)

func (s *searcher) engine() (*search.Engine, error) {
	e := s.p.Load()
	switch {
	case e != nil:
		return e, nil
	case s.failed.Load():
		return nil, errIndexFailed
	}
	return nil, errIndexLoading
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

// ModelName names the embedding model of the engine in use, so that the
// personal feed reads the vectors of the model search uses (an external
// embedder's too); "" while the index loads or without semantic search.
func (s *searcher) ModelName() string {
	if e := s.p.Load(); e != nil {
		return e.ModelName()
	}
	return ""
}

// WaitReady waits until the index is built (or could not be) or ctx ends,
// and reports whether searches can run.
func (s *searcher) WaitReady(ctx context.Context) bool {
	select {
	case <-s.built:
	case <-ctx.Done():
	}
	return s.Ready()
}

// Failed reports whether the index could not be built, so that search
// stays unavailable until the node restarts.
func (s *searcher) Failed() bool { return s.failed.Load() }

// saveAfter is how many changes applied since the snapshot file make it
// worth writing again at start or shutdown: 1% of the papers, at least
// 1,000. Applying them at the next start costs less than writing a large
// snapshot (5 s of CPU for a million papers, while the node serves).
func saveAfter(papers int) int { return max(1000, papers/100) }

// autoTrainLimit is the largest catalogue for which `quire serve` trains the
// built-in model by itself; larger ones are left to `quire index`, which
// does not compete with serving for memory and time.
const autoTrainLimit = 200_000

// start builds the engine in the background and then follows the catalogue
// until ctx ends, saving a snapshot after the build and at the end (and on
// PostgreSQL sharing one with other nodes, see shareSnapshots); done is
// closed when it has stopped. It follows on the store's announcements of
// changes where the store makes them (PostgreSQL, where other nodes write
// too), besides polling every followInterval.
func (s *searcher) start(ctx context.Context, cfg *config.Config, db store.DB, logger *slog.Logger) {
	go func() {
		defer close(s.done)
		// Listening starts before the build, so that the build's last
		// read of the feed and the first announcement leave no gap.
		wake := watchChanges(ctx, db, logger)
		if wake != nil {
			defer func() {
				for range wake {
					// Wait for the listener to close its connection.
				}
			}()
		}
		emb, err := newEmbedder(ctx, cfg, db)
		if err != nil {
			logger.Error("search: semantic search is off", "error", err)
		}
		e, err := openEngine(ctx, cfg, db, emb, logger)
		if err != nil {
			if ctx.Err() == nil {
				s.failed.Store(true)
				close(s.built)
				logger.Error("search: building the index failed; search is unavailable", "error", err)
			}
			return
		}
		s.p.Store(e)
		close(s.built)
		s.save(e, logger)
		if cfg.ShareSnapshots() {
			var wg sync.WaitGroup
			wg.Go(func() { s.shareSnapshots(ctx, db, cfg.SnapshotShare, logger) })
			defer wg.Wait()
		}
		if emb == nil && cfg.Embedder == "builtin" {
			// The lexical engine serves, and follows, while the
			// model trains.
			stop := follow(ctx, e, s.poll, wake)
			e2 := s.train(ctx, cfg, db, logger)
			stop()
			if e2 != nil {
				e = e2
			}
		}
		e.Follow(ctx, s.poll, wake)
		s.save(e, logger)
	}()
}

// follow runs e.Follow in the background until the returned function is
// called, which returns once it has stopped.
func follow(ctx context.Context, e *search.Engine, poll time.Duration, wake <-chan struct{}) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.Follow(ctx, poll, wake)
	}()
	return func() {
		cancel()
		<-stopped
	}
}

// watchChanges returns the store's announcements of changes, or nil when
// it makes none or cannot listen (the engine then polls only).
func watchChanges(ctx context.Context, db store.DB, logger *slog.Logger) <-chan struct{} {
	w, ok := db.(store.ChangeWatcher)
	if !ok {
		return nil
	}
	wake, err := w.WatchPaperChanges(ctx)
	if err != nil {
		if ctx.Err() == nil {
			logger.Warn("search: not told of other nodes' changes; reading them every "+followInterval.String()+" instead", "error", err)
		}
		return nil
	}
	return wake
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

// save writes e's index snapshot when enough changed since the file was
// read or written (see saveAfter).
func (s *searcher) save(e *search.Engine, logger *slog.Logger) {
	if !e.NeedsSave(saveAfter(e.Stats().Papers)) {
		logger.Debug("search: the index snapshot is current enough; not saving it")
		return
	}
	start := time.Now()
	if err := e.Save(); err != nil {
		logger.Warn("search: could not save the index snapshot", "error", err)
		return
	}
	logger.Debug("search: saved the index snapshot", "took", time.Since(start).Round(time.Millisecond))
}
