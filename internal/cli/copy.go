package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"quire/internal/config"
	"quire/internal/progress"
	"quire/internal/store"
)

// copyCommand is `quire copy`: moving a SQLite hub to PostgreSQL when it
// outgrows one node.
var copyCommand = command{
	name:    "copy",
	args:    "--to postgres://... [--from FILE]",
	summary: "copy a SQLite hub into a new PostgreSQL database (resumable, verified by row counts)",
	bind:    bindCopy,
}

// backupCommand is `quire backup`: a consistent copy of a SQLite hub,
// taken while it is served.
var backupCommand = command{
	name:    "backup",
	args:    "--to FILE",
	summary: "write a consistent copy of the SQLite hub to a new file, even while it is served",
	bind:    bindBackup,
}

func bindCopy(fs *flag.FlagSet) runFunc {
	from := fs.String("from", "", "the SQLite hub to copy (default: the --db database)")
	to := fs.String("to", "", "the PostgreSQL database to copy into, a postgres:// URL; new and empty, or holding an interrupted copy to resume")
	batch := fs.Int("batch", 1000, "rows per batch: per read and per write transaction")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		if len(args) > 0 || *to == "" || *batch <= 0 {
			fmt.Fprintln(env.Stderr, "Usage: quire copy --to postgres://... [--from FILE] [--batch N] (see quire copy --help)")
			return ErrUsage
		}
		src := *from
		if src == "" {
			src = cfg.DB
		}
		return runCopy(ctx, env, src, *to, *batch)
	}
}

// runCopy copies the SQLite hub at from into the PostgreSQL database at
// to and prints the row counts of both. An interrupted run (Ctrl-C, a
// lost connection) leaves a checkpoint in the target; the same command
// resumes from it.
func runCopy(ctx context.Context, env Env, from, to string, batch int) error {
	src, err := store.OpenCopySource(ctx, from)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	dst, err := store.OpenCopyTarget(ctx, to)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer dst.Close()
	plan, err := store.PlanCopy(ctx, src, dst)
	if err != nil {
		return err
	}
	if cp, err := dst.CopyCheckpoint(ctx); err != nil {
		return err
	} else if cp != nil {
		fmt.Fprintln(env.Stderr, "resuming the interrupted copy in the target")
	}
	start := time.Now()
	var bar *progress.Bar
	opts := store.CopyOptions{BatchSize: batch, Source: store.SourceName(from),
		OnBatch: func(table string, done, total int64) error {
			if bar == nil {
				bar = progress.Start(env.Stderr, "copy", total)
			}
			bar.Set(done, done)
			return nil
		}}
	counts, err := store.Copy(ctx, src, dst, plan, opts)
	if bar != nil {
		bar.Finish()
	}
	if counts != nil {
		printCounts(env.Stdout, counts)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("copy interrupted; run the same command again to resume: %w", err)
	}
	if err != nil {
		return err
	}
	var rows int64
	for _, c := range counts {
		rows += c.Target
	}
	fmt.Fprintf(env.Stdout, "copied %s rows in %s; every count matches\n", progress.Count(rows), time.Since(start).Round(time.Millisecond))
	// The secret signs the links of mail already sent (confirm,
	// unsubscribe): the new nodes need the hub's own.
	if _, err := os.Stat(from + ".secret"); err == nil {
		fmt.Fprintf(env.Stdout, "start the PostgreSQL nodes with QUIRE_SECRET_FILE=%s.secret, so that links in mail already sent keep working\n", from)
	}
	return nil
}

// printCounts writes the per-table report of a copy.
func printCounts(w io.Writer, counts []store.CopyCount) {
	width := len("table")
	for _, c := range counts {
		width = max(width, len(c.Table))
	}
	fmt.Fprintf(w, "%-*s %10s %10s\n", width, "table", "source", "target")
	for _, c := range counts {
		note := ""
		switch {
		case c.Skipped != "":
			note = "  skipped: " + c.Skipped
		case c.Source != c.Target:
			note = "  DIFFERS"
		}
		fmt.Fprintf(w, "%-*s %10d %10d%s\n", width, c.Table, c.Source, c.Target, note)
	}
}

func bindBackup(fs *flag.FlagSet) runFunc {
	to := fs.String("to", "", "the backup file to write; it must not exist")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		if len(args) > 0 || *to == "" {
			fmt.Fprintln(env.Stderr, "Usage: quire backup --to FILE [--db FILE] (see quire backup --help)")
			return ErrUsage
		}
		return runBackup(ctx, env, cfg.DB, *to)
	}
}

// runBackup writes a consistent copy of the SQLite hub at db to dest and
// checks that the copy opens and passes SQLite's integrity check.
func runBackup(ctx context.Context, env Env, db, dest string) error {
	start := time.Now()
	var bar *progress.Bar
	err := store.Backup(ctx, db, dest, func(done, total int64) {
		if bar == nil {
			bar = progress.Start(env.Stderr, "backup", total)
		}
		bar.Set(done, 0)
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backed %s up to %s in %s; the copy passes the integrity check\n", db, dest, time.Since(start).Round(time.Millisecond))
	return nil
}
