package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"quire/internal/config"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store"
)

// Version is the release version, set at build time with
// -ldflags "-X quire/internal/cli.Version=v1.2.3".
var Version = "dev"

func runVersion(_ context.Context, env Env, _ *config.Config, _ []string) error {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + info.GoVersion
	}
	fmt.Fprintln(env.Stdout, "quire", v)
	return nil
}

func runConfig(_ context.Context, env Env, cfg *config.Config, _ []string) error {
	cfg.Dump(env.Stdout)
	return nil
}

func runMigrate(ctx context.Context, env Env, cfg *config.Config, _ []string) error {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(env.Stdout, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "the schema is up to date")
	}
	return nil
}

// migrationPolicy is how commands treat the schema: a fresh database is set
// up, an outdated one is migrated only when asked.
func migrationPolicy(cfg *config.Config) store.MigrationPolicy {
	if cfg.Migrate {
		return store.MigrateAlways
	}
	return store.MigrateFresh
}

func bindImport(fs *flag.FlagSet) runFunc {
	dryRun := fs.Bool("dry-run", false, "parse and check the files without storing anything")
	restart := fs.Bool("restart", false, "import each file from its start, even where an interrupted import of it stopped")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		return runImport(ctx, env, cfg, args, *dryRun, *restart)
	}
}

// runImport imports files. An interrupted import of a file (Ctrl-C, a
// failing database) keeps its position in the store, and the same command
// resumes there unless the file changed or restart is set.
func runImport(ctx context.Context, env Env, cfg *config.Config, args []string, dryRun, restart bool) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "quire import: no files given (see quire import --help)")
		return ErrUsage
	}
	logger := newLogger(env.Stderr, cfg)
	im := &ingest.Importer{Logger: logger, Progress: env.Stderr, DryRun: dryRun, Restart: restart}
	var db store.DB
	if !dryRun {
		var err error
		db, _, err = store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
		if err != nil {
			return err
		}
		defer db.Close()
		im.Store, im.Checkpoints = db, db
	}
	var failed []string
	var total ingest.Summary
	for _, path := range args {
		sum, err := im.ImportFile(ctx, path)
		total.Add(sum)
		fmt.Fprintf(env.Stdout, "%s: %s\n", path, sum)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			fmt.Fprintf(env.Stderr, "quire import: %v\n", err)
			failed = append(failed, path)
		}
	}
	if len(args) > 1 {
		fmt.Fprintf(env.Stdout, "total: %s\n", total)
	}
	if db != nil && total.Papers.Inserted+total.Papers.Updated > 0 {
		if err := embedImported(ctx, cfg, db, logger); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not import %s", strings.Join(failed, ", "))
	}
	return nil
}

// embedImported embeds the papers an import brought, when semantic search is
// set up (a trained built-in model, or an embeddings server), so that they
// are found by meaning as soon as a server picks them up.
func embedImported(ctx context.Context, cfg *config.Config, db store.DB, logger *slog.Logger) error {
	emb, err := newEmbedder(ctx, cfg, db)
	if err != nil || emb == nil {
		return err
	}
	start := time.Now()
	n, err := search.EmbedMissing(ctx, db, emb, nil)
	if err != nil {
		return fmt.Errorf("embedding the new papers: %w", err)
	}
	if n > 0 {
		logger.Info("embedded the new papers", "papers", n, "model", emb.Name(), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
