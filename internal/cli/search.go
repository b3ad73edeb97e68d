package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"quire"
	"quire/internal/config"
	"quire/internal/embedding"
	"quire/internal/search"
	"quire/internal/store"
)

// newEmbedder returns the embedder cfg asks for: the OpenAI-compatible
// client, the stored built-in model, or nil (no semantic search: "none", or
// a built-in model not trained yet).
func newEmbedder(ctx context.Context, cfg *config.Config, db store.DB) (embedding.Embedder, error) {
	switch cfg.Embedder {
	case "none":
		return nil, nil
	case "openai":
		c, err := embedding.NewOpenAI(embedding.OpenAIConfig{URL: cfg.EmbeddingsURL, Model: cfg.EmbeddingsModel, APIKey: cfg.EmbeddingsKey})
		if err != nil {
			return nil, err
		}
		if c.Dim() == 0 {
			// Learn the dimension, which the vector index needs first.
			if _, err := c.Embed(ctx, []string{"quire"}); err != nil {
				return nil, fmt.Errorf("probing the embeddings server: %w", err)
			}
		}
		return c, nil
	default:
		m, err := search.LoadBuiltin(ctx, db)
		switch {
		case errors.Is(err, quire.ErrNotFound):
			return nil, nil
		case err != nil:
			// Not m: a nil *Model in the interface would not be a nil
			// Embedder, and callers that go on without one would use it.
			return nil, err
		}
		return m, nil
	}
}

// openEngine builds a search engine over db: from the snapshot when there is
// one, then the stored vectors, then whatever changed since.
func openEngine(ctx context.Context, cfg *config.Config, db store.DB, emb embedding.Embedder, logger *slog.Logger) (*search.Engine, error) {
	return openEngineScoring(ctx, cfg, db, emb, logger, search.ScoringParams{})
}

// openEngineScoring is openEngine with ranking knobs other than the
// defaults, for quire eval.
func openEngineScoring(ctx context.Context, cfg *config.Config, db store.DB, emb embedding.Embedder, logger *slog.Logger, scoring search.ScoringParams) (*search.Engine, error) {
	opts := search.Options{Embedder: emb, SnapshotPath: cfg.SearchSnapshot(), Logger: logger, Scoring: scoring}
	e, err := search.New(db, opts)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	vectors, err := e.Load(ctx)
	if err != nil && cfg.ShareSnapshots() {
		// No snapshot of its own, or one it cannot use: a node joining a
		// cluster fetches the one the other nodes share rather than
		// rebuild the index from the catalogue.
		if _, ferr := e.FetchShared(ctx, db); ferr == nil {
			if !errors.Is(err, search.ErrNoSnapshot) {
				logger.Warn("search: replaced an unreadable index snapshot with the shared one", "error", err)
			}
			if e, err = search.New(db, opts); err != nil {
				return nil, err
			}
			vectors, err = e.Load(ctx)
		} else if !errors.Is(ferr, quire.ErrNotFound) {
			logger.Warn("search: could not fetch the shared index snapshot", "error", ferr)
		}
	}
	switch {
	case errors.Is(err, search.ErrNoSnapshot):
		logger.Info("search: no index snapshot; building the index from the database", "snapshot", cfg.SearchSnapshot())
	case err != nil:
		logger.Warn("search: ignoring an unreadable index snapshot", "error", err)
		if e, err = search.New(db, opts); err != nil {
			return nil, err
		}
	default:
		logger.Info("search: loaded the index snapshot", "papers", e.Stats().Papers, "took", time.Since(start).Round(time.Millisecond))
	}
	if emb != nil && !vectors {
		n, err := e.LoadVectors(ctx)
		if err != nil {
			return nil, err
		}
		logger.Info("search: loaded stored vectors", "vectors", n, "model", emb.Name())
	}
	n, err := e.Sync(ctx)
	if err != nil {
		return nil, err
	}
	if emb != nil && (!vectors || n > 0) {
		if err := e.BuildVectors(ctx); err != nil {
			return nil, err
		}
	}
	st := e.Stats()
	logger.Info("search: index ready", "papers", st.Papers, "vectors", st.Vectors, "changes_applied", n,
		"took", time.Since(start).Round(time.Millisecond))
	return e, nil
}
