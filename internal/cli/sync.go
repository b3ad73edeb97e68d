package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/config"
	"quire/internal/hfdaily"
	"quire/internal/store"
)

// syncCommand is `quire sync`: harvest new and changed arXiv records by
// OAI-PMH into the catalogue, resuming an interrupted harvest, and merge
// the upstream daily-papers list when one is configured.
var syncCommand = command{
	name:    "sync",
	summary: "harvest new and changed arXiv papers by OAI-PMH (resumes where it stopped) and merge the upstream daily list",
	bind:    bindSync,
}

func bindSync(fs *flag.FlagSet) runFunc {
	sets := fs.String("sets", "", "comma-separated OAI-PMH sets to harvest (arXiv's: cs, math, physics:hep-th, …; \"all\" for every set; \"none\" for none) (default: QUIRE_ARXIV_SETS, else cs)")
	from := fs.String("from", "", "harvest records changed on or after this day, YYYY-MM-DD, and merge upstream lists from this day (default: where the last run stopped)")
	until := fs.String("until", "", "and on or before this day, YYYY-MM-DD")
	prefix := fs.String("format", arxiv.PrefixArXivRaw, "metadata format: arXivRaw (with versions) or arXiv")
	oaiURL := fs.String("oai-url", "", "the OAI-PMH endpoint (default: QUIRE_ARXIV_OAI_URL, else arXiv's)")
	upstream := fs.String("upstream", "", "a daily-papers endpoint to merge, such as https://huggingface.co/api/daily_papers; \"none\" for none (default: QUIRE_UPSTREAM_DAILY)")
	restart := fs.Bool("restart", false, "forget the saved position and start again from --from")
	interval := fs.Duration("interval", arxiv.DefaultOAIMinInterval, "least time between two requests to the endpoint")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			fmt.Fprintln(env.Stderr, "quire sync takes no arguments (see quire sync --help)")
			return ErrUsage
		}
		o := harvestOptions{sets: cfg.ArxivSets, from: *from, until: *until,
			prefix: *prefix, url: cmpOrText(*oaiURL, cfg.ArxivOAIURL), restart: *restart, interval: *interval, contact: cfg.PublicURL()}
		if *sets != "" {
			o.sets = strings.Split(*sets, ",")
		}
		if len(o.sets) == 1 && strings.TrimSpace(o.sets[0]) == "none" {
			o.sets = nil
		}
		up := cmpOrText(*upstream, cfg.UpstreamDaily)
		if up == "none" {
			up = ""
		}
		if len(o.sets) == 0 && up == "" {
			return quire.Invalidf("Nothing to sync: no arXiv sets (--sets, QUIRE_ARXIV_SETS) and no upstream list (--upstream, QUIRE_UPSTREAM_DAILY).")
		}
		return runSync(ctx, env, cfg, o, up)
	}
}

// harvestOptions say what a harvest takes, for `quire sync` and the
// scheduled sync of `quire serve`.
type harvestOptions struct {
	// sets are OAI-PMH sets; "" or "all" is every set.
	sets                     []string
	from, until, prefix, url string
	restart                  bool
	interval                 time.Duration
	contact                  string
	// started is when the harvest starts, recorded under lastHarvestKey
	// once it is complete (zero: the time of the call).
	started time.Time
	// page, when set, is called after each page is stored with the set's
	// progress so far; an error stops the harvest, which then resumes at
	// the next page.
	page func(ctx context.Context, p harvestProgress) error
}

// harvestProgress counts what the harvest of one set did.
type harvestProgress struct {
	Set                                        string
	Pages, Records, Stored, Deleted, Malformed int
	// Withdrawn counts the papers marked withdrawn; Deleted counts the
	// records that report a withdrawal, some of papers Quire never held.
	Withdrawn     int
	LastDatestamp string
	Started       time.Time
	// Checkpoint is where the set's harvest stands once it is done.
	Checkpoint arxiv.Checkpoint
}

// harvestStore is the part of the store a harvest writes to.
type harvestStore interface {
	arxiv.Settings
	UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error)
	MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (int, error)
}

// lastHarvestKey names the setting that holds when the last complete
// harvest started (RFC 3339); the scheduled sync reads it.
const lastHarvestKey = "arxiv-sync:last"

// check refuses malformed days before anything is opened.
func (o *harvestOptions) check() error {
	for _, d := range []string{o.from, o.until} {
		if d != "" {
			if _, err := time.Parse(quire.DayLayout, d); err != nil {
				return quire.Invalidf("%q is not a day such as 2026-11-27.", d)
			}
		}
	}
	return nil
}

func runSync(ctx context.Context, env Env, cfg *config.Config, o harvestOptions, upstream string) error {
	if err := o.check(); err != nil {
		return err
	}
	var client *hfdaily.Client
	if upstream != "" {
		var err error
		if client, err = hfdaily.NewClient(hfdaily.ClientOptions{URL: upstream, Contact: cfg.PublicURL()}); err != nil {
			return quire.Invalidf("%v", err)
		}
	}
	db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	logger := newLogger(env.Stderr, cfg)
	if len(o.sets) > 0 {
		if err := syncArxiv(ctx, env, db, o, logger); err != nil {
			return err
		}
	}
	if client == nil {
		return nil
	}
	uo := upstreamOptions{day: func(_ context.Context, d upstreamDay) error {
		fmt.Fprintf(env.Stdout, "upstream %s: %d listed, %d papers new, %d entries new or changed, %d malformed skipped\n",
			d.Day.Format(quire.DayLayout), d.Listed, d.Papers.Inserted, d.Entries.Inserted+d.Entries.Updated, d.Malformed)
		return nil
	}}
	if o.from != "" {
		uo.from, _ = time.Parse(quire.DayLayout, o.from) // checked above
	}
	if o.until != "" {
		uo.until, _ = time.Parse(quire.DayLayout, o.until)
	}
	// Like the harvest, never beside a server's scheduled run.
	release, ok, err := holdLease(ctx, db, upstreamLease, leaseHolder(), upstreamLeaseTTL, time.Now(), logger)
	if err != nil {
		return err
	}
	if !ok {
		return quire.Conflictf("A server is merging the upstream list right now (it holds the %s lease); run quire sync again once it is done.", upstreamLease)
	}
	defer release()
	_, err = followUpstream(ctx, db, client, uo, logger)
	return err
}

// syncArxiv harvests o's sets with progress on stderr and a summary per
// set on stdout, holding the lease of the scheduled sync, so that it never
// runs beside a node's scheduled harvest.
func syncArxiv(ctx context.Context, env Env, db syncStore, o harvestOptions, logger *slog.Logger) error {
	s := &syncScheduler{db: db, holder: leaseHolder(), ttl: syncLeaseTTL, now: time.Now, logger: logger}
	release, ok, err := s.acquire(ctx, time.Now())
	if err != nil {
		return err
	}
	if !ok {
		return quire.Conflictf("A server is harvesting arXiv right now (it holds the %s lease); run quire sync again once it is done.", syncLease)
	}
	defer release()
	o.page = func(_ context.Context, p harvestProgress) error {
		rate := float64(p.Records) / max(time.Since(p.Started).Seconds(), 1e-3)
		fmt.Fprintf(env.Stderr, "\r%s: page %d, %d records (%.0f/s), last changed %s   ", setName(p.Set), p.Pages, p.Records, rate, p.LastDatestamp)
		return nil
	}
	return s.harvestHeld(ctx, o, func(p harvestProgress, err error) {
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return
		}
		fmt.Fprintf(env.Stdout, "%s: %d records in %d pages, %d papers new or changed, %d withdrawn or deleted (%d marked withdrawn), %d malformed skipped, in %s; next harvest from %s\n",
			setName(p.Set), p.Checkpoint.Records, p.Checkpoint.Pages, p.Stored, p.Deleted, p.Withdrawn, p.Malformed,
			time.Since(p.Started).Round(time.Millisecond), cmpOrText(p.Checkpoint.LastDatestamp, "the start"))
	})
}

// harvest harvests each of o's sets in turn into db, each resuming from
// its checkpoint, and calls done after each set (with the error that
// stopped it, if any). Once every set is complete it records the start
// time under lastHarvestKey. Malformed records are logged and skipped.
func harvest(ctx context.Context, db harvestStore, o harvestOptions, logger *slog.Logger, done func(harvestProgress, error)) ([]harvestProgress, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	started := o.started
	if started.IsZero() {
		started = time.Now()
	}
	var out []harvestProgress
	for _, set := range o.sets {
		set = strings.TrimSpace(set)
		if set == "all" {
			set = ""
		}
		p, err := harvestSet(ctx, db, o, set, logger)
		if done != nil {
			done(p, err)
		}
		if err != nil {
			return out, fmt.Errorf("harvesting %s (resume with the same command): %w", setName(set), err)
		}
		out = append(out, p)
	}
	if err := db.SetSetting(ctx, lastHarvestKey, started.UTC().Format(time.RFC3339Nano)); err != nil {
		return out, err
	}
	return out, nil
}

func harvestSet(ctx context.Context, db harvestStore, o harvestOptions, set string, logger *slog.Logger) (harvestProgress, error) {
	p := harvestProgress{Set: set, Started: time.Now()}
	h, err := arxiv.NewHarvester(arxiv.HarvesterOptions{
		BaseURL: o.url, Prefix: o.prefix, Set: set, From: o.from, Until: o.until, Contact: o.contact,
		MinInterval: o.interval,
	})
	if err != nil {
		return p, err
	}
	if o.restart {
		// The position is forgotten by saving a fresh one.
		if err := arxiv.SaveCheckpoint(ctx, db, arxiv.CheckpointKey(o.prefix, set), h.Start()); err != nil {
			return p, err
		}
	}
	p.Checkpoint, err = h.Run(ctx, db, func(ctx context.Context, page *arxiv.OAIPage) error {
		st, err := db.UpsertPapers(ctx, page.Papers)
		if err != nil {
			return err
		}
		// After the page's papers, so that a paper whose record announces
		// its withdrawal is known when it is marked.
		withdrawn, err := markWithdrawn(ctx, db, page)
		if err != nil {
			return err
		}
		p.Withdrawn += withdrawn
		p.Pages++
		p.Records += page.Records
		p.Stored += st.Inserted + st.Updated
		p.Deleted += len(page.Deleted) + len(page.Withdrawn)
		p.Malformed += len(page.Malformed)
		p.LastDatestamp = page.LastDatestamp
		for _, m := range page.Malformed {
			logger.Warn("sync: skipped a malformed record", "record", m.Identifier, "error", m.Err)
		}
		logger.Debug("sync: stored a page", "set", setName(set), "page", p.Pages, "records", p.Records, "last_changed", p.LastDatestamp)
		if o.page != nil {
			return o.page(ctx, p)
		}
		return nil
	})
	return p, err
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
