package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"quire/internal/config"
	"quire/internal/embedding"
	"quire/internal/search"
	"quire/internal/store"
)

func bindIndex(fs *flag.FlagSet) runFunc {
	retrain := fs.Bool("retrain", false, "train the built-in embedding model again even if one exists")
	return func(ctx context.Context, env Env, cfg *config.Config, _ []string) error {
		return runIndex(ctx, env, cfg, *retrain)
	}
}

// runIndex builds everything search needs, ahead of serving: the built-in
// embedding model (trained once, or again with --retrain), the vectors of
// every paper, and the index snapshot that `quire serve` loads.
func runIndex(ctx context.Context, env Env, cfg *config.Config, retrain bool) error {
	logger := newLogger(env.Stderr, cfg)
	db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	var emb embedding.Embedder
	if !(retrain && cfg.Embedder == "builtin") {
		if emb, err = newEmbedder(ctx, cfg, db); err != nil {
			if cfg.Embedder != "builtin" {
				return err
			}
			// A stored model this version cannot read is replaced.
			logger.Warn("the stored embedding model cannot be used; training a new one", "error", err)
			emb = nil
		}
	}
	if cfg.Embedder == "builtin" && (emb == nil || retrain) {
		logger.Info("training the embedding model on the catalogue")
		m, err := search.TrainBuiltin(ctx, db, embedding.TrainOptions{Logger: logger}, logger)
		if err != nil {
			return err
		}
		emb = m
	}
	e, err := openEngine(ctx, cfg, db, emb, logger)
	if err != nil {
		return err
	}
	saveStart := time.Now()
	if err := e.Save(); err != nil {
		return err
	}
	logger.Info("search: saved the index snapshot", "took", time.Since(saveStart).Round(time.Millisecond))
	if cfg.ShareSnapshots() {
		// Nodes that start without a snapshot fetch this one.
		if _, err := e.PublishSnapshot(ctx, db); err != nil {
			return err
		}
	}
	st := e.Stats()
	fmt.Fprintf(env.Stdout, "indexed %d papers (%d vectors, model %q) in %s; snapshot %s\n",
		st.Papers, st.Vectors, st.Model, time.Since(start).Round(time.Millisecond), cfg.SearchSnapshot())
	return nil
}
