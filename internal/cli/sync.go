package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/config"
	"quire/internal/store"
)

// syncCommand is `quire sync`: harvest new and changed arXiv records by
// OAI-PMH into the catalogue, resuming an interrupted harvest.
var syncCommand = command{
	name:    "sync",
	summary: "harvest new and changed arXiv papers by OAI-PMH (resumes where an interrupted harvest stopped)",
	bind:    bindSync,
}

func bindSync(fs *flag.FlagSet) runFunc {
	sets := fs.String("sets", "cs", "comma-separated OAI-PMH sets to harvest (arXiv's: cs, math, physics:hep-th, …; \"all\" for every set)")
	from := fs.String("from", "", "harvest records changed on or after this day, YYYY-MM-DD (default: where the last harvest stopped)")
	until := fs.String("until", "", "and on or before this day, YYYY-MM-DD")
	prefix := fs.String("format", arxiv.PrefixArXivRaw, "metadata format: arXivRaw (with versions) or arXiv")
	url := fs.String("oai-url", arxiv.DefaultOAIURL, "the OAI-PMH endpoint")
	restart := fs.Bool("restart", false, "forget the saved position and start again from --from")
	interval := fs.Duration("interval", arxiv.DefaultOAIMinInterval, "least time between two requests to the endpoint")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			fmt.Fprintln(env.Stderr, "quire sync takes no arguments (see quire sync --help)")
			return ErrUsage
		}
		return runSync(ctx, env, cfg, syncOptions{sets: *sets, from: *from, until: *until, prefix: *prefix, url: *url, restart: *restart, interval: *interval})
	}
}

type syncOptions struct {
	sets, from, until, prefix, url string
	restart                        bool
	interval                       time.Duration
}

func runSync(ctx context.Context, env Env, cfg *config.Config, o syncOptions) error {
	for _, d := range []string{o.from, o.until} {
		if d != "" {
			if _, err := time.Parse(quire.DayLayout, d); err != nil {
				return quire.Invalidf("%q is not a day such as 2026-11-27.", d)
			}
		}
	}
	db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	logger := newLogger(env.Stderr, cfg)
	for _, set := range strings.Split(o.sets, ",") {
		set = strings.TrimSpace(set)
		if set == "all" {
			set = ""
		}
		h, err := arxiv.NewHarvester(arxiv.HarvesterOptions{
			BaseURL: o.url, Prefix: o.prefix, Set: set, From: o.from, Until: o.until, Contact: cfg.PublicURL(),
			MinInterval: o.interval,
		})
		if err != nil {
			return err
		}
		key := arxiv.CheckpointKey(o.prefix, set)
		if o.restart {
			// The position is forgotten by saving a fresh one.
			if err := arxiv.SaveCheckpoint(ctx, db, key, h.Start()); err != nil {
				return err
			}
		}
		start := time.Now()
		var pages, records, stored, deleted, malformed int
		cp, err := h.Run(ctx, db, func(ctx context.Context, page *arxiv.OAIPage) error {
			st, err := db.UpsertPapers(ctx, page.Papers)
			if err != nil {
				return err
			}
			pages++
			records += page.Records
			stored += st.Inserted + st.Updated
			deleted += len(page.Deleted) + len(page.Withdrawn)
			malformed += len(page.Malformed)
			for _, m := range page.Malformed {
				logger.Warn("sync: skipped a malformed record", "record", m.Identifier, "error", m.Err)
			}
			rate := float64(records) / max(time.Since(start).Seconds(), 1e-3)
			fmt.Fprintf(env.Stderr, "\r%s: page %d, %d records (%.0f/s), last changed %s   ", setName(set), pages, records, rate, page.LastDatestamp)
			return nil
		})
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return fmt.Errorf("harvesting %s (resume with the same command): %w", setName(set), err)
		}
		fmt.Fprintf(env.Stdout, "%s: %d records in %d pages, %d papers new or changed, %d withdrawn or deleted (not yet marked), %d malformed skipped, in %s; next harvest from %s\n",
			setName(set), cp.Records, cp.Pages, stored, deleted, malformed, time.Since(start).Round(time.Millisecond), cmpOrText(cp.LastDatestamp, "the start"))
	}
	return nil
}

func setName(set string) string {
	if set == "" {
		return "all sets"
	}
	return "set " + set
}

func cmpOrText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
