// Command digestbench measures the digests (issue 5) on a prepared
// database: bench/digest.sh runs it.
//
//	digestbench build -db DSN -subscribers 100000 -queries Q.jsonl -day 2025-06-17
//
// builds and queues the daily digests of -subscribers confirmed
// subscribers, each following two topics (a search from the query set and
// an arXiv category), after creating them if the database has none. It
// times the build beside its baseline, the bare write of the same digests
// to the outbox (EnqueueDigests under another period), and prints one JSON
// object.
//
//	digestbench deliver -db DSN -smtp HOST:PORT -n 5000
//
// queues one digest each for n new subscribers and delivers them through
// the outbox to the SMTP server, beside its baseline, the same messages
// sent straight to the server by as many workers; it prints one JSON
// object with both rates.
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	netmail "net/mail"
	"os"
	"strconv"
	"sync"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/digest"
	"quire/internal/mail"
	"quire/internal/search"
	"quire/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// dsnFlag is the database the bench runs on.
var dsnFlag string

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dsn := fs.String("db", "", "database: SQLite path or postgres:// URL (with the catalogue imported)")
	subs := fs.Int("subscribers", 100000, "confirmed subscribers (build)")
	queries := fs.String("queries", "", "topic searches, JSON lines {\"q\": ...} (build)")
	dayText := fs.String("day", "2025-06-17", "the day the digests go out")
	smtpAddr := fs.String("smtp", "", "SMTP server host:port (deliver)")
	n := fs.Int("n", 5000, "digests to deliver (deliver)")
	workers := fs.Int("workers", digest.DefaultWorkers, "delivery workers (deliver)")
	fs.Parse(os.Args[2:])
	day, err := time.Parse(quire.DayLayout, *dayText)
	if err != nil || *dsn == "" {
		usage()
	}
	ctx := context.Background()
	dsnFlag = *dsn
	db, _, err := store.OpenMigrated(ctx, *dsn, store.MigrateAlways)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	var out any
	switch os.Args[1] {
	case "build":
		out, err = build(ctx, db, *subs, *queries, day)
	case "deliver":
		out, err = deliver(ctx, db, *smtpAddr, *n, *workers, day)
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: digestbench build|deliver -db DSN [flags]")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "digestbench:", err)
	os.Exit(1)
}

// categories are the arXiv categories subscribers follow, the most
// common ones of the catalogue.
var categories = []string{"cs.CL", "cs.LG", "cs.CV", "cs.AI", "cs.RO", "stat.ML", "cs.IR", "cs.CR", "cs.SE", "cs.HC",
	"cs.NE", "cs.SD", "eess.AS", "eess.IV", "math.OC", "quant-ph", "cs.DC", "cs.DB", "cs.GR", "cs.MA"}

type buildResult struct {
	Backend           string  `json:"backend"`
	Papers            int     `json:"papers"`
	Subscribers       int     `json:"subscribers"`
	DistinctTopics    int     `json:"distinct_topics"`
	SetupSubscribersS float64 `json:"setup_subscribers_s"`
	EngineLoadS       float64 `json:"engine_load_s"`
	BuildS            float64 `json:"build_s"`
	Queued            int     `json:"queued"`
	PapersQueued      int     `json:"papers_queued"`
	Searches          int     `json:"searches"`
	BaselineEnqueueS  float64 `json:"baseline_enqueue_s"`
	Ratio             float64 `json:"build_over_baseline"`
}

func build(ctx context.Context, db store.DB, n int, queriesPath string, day time.Time) (*buildResult, error) {
	qs, err := readQueries(queriesPath)
	if err != nil {
		return nil, err
	}
	res := &buildResult{Backend: store.Backend(dsnFlag), Subscribers: n}
	if res.Papers, err = db.CountPapers(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := ensureSubscribers(ctx, db, n, qs, res); err != nil {
		return nil, err
	}
	res.SetupSubscribersS = time.Since(start).Seconds()

	// A lexical engine: building digests does not depend on the model.
	start = time.Now()
	e, err := search.New(db, search.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	if _, err := e.Sync(ctx); err != nil {
		return nil, err
	}
	res.EngineLoadS = time.Since(start).Seconds()

	p := quire.PeriodBefore(quire.Daily, day)
	b := &digest.Builder{Store: db, Search: e, Logger: quiet, Now: func() time.Time { return day }}
	start = time.Now()
	st, err := b.Build(ctx, p)
	if err != nil {
		return nil, err
	}
	res.BuildS = time.Since(start).Seconds()
	res.Queued, res.PapersQueued, res.Searches = st.Queued, st.Papers, st.Searches
	if st.Queued == 0 {
		return nil, errors.New("nothing was queued: the period was built before (use a fresh database or another -day)")
	}

	// Baseline: the same digests written to the outbox, nothing built.
	var copies []*quire.Digest
	var after int64
	for len(copies) < st.Queued {
		subs, err := db.ListActiveSubscriptions(ctx, quire.Daily, after, 1000)
		if err != nil || len(subs) == 0 {
			return nil, cmp.Or(err, errors.New("subscriptions vanished"))
		}
		for _, s := range subs {
			after = s.ID
		}
		for _, s := range subs {
			d, err := findDigest(ctx, db, s.ID, p.Key())
			if err != nil {
				continue
			}
			copies = append(copies, &quire.Digest{SubscriptionID: s.ID, PeriodKey: "bench:baseline:" + p.Key(),
				PaperIDs: d.PaperIDs, Sections: d.Sections, CreatedAt: day})
		}
	}
	start = time.Now()
	for i := 0; i < len(copies); i += 500 {
		if _, err := db.EnqueueDigests(ctx, copies[i:min(i+500, len(copies))]); err != nil {
			return nil, err
		}
	}
	res.BaselineEnqueueS = time.Since(start).Seconds()
	res.Ratio = res.BuildS / res.BaselineEnqueueS
	return res, nil
}

// findDigest finds a subscription's digest of a period. The outbox has no
// index by subscription for readers, so the bench keeps the IDs it saw.
func findDigest(ctx context.Context, db store.DB, subID int64, key string) (*quire.Digest, error) {
	id, ok := digestIDs[subID]
	if !ok {
		if len(digestIDs) == 0 {
			// Digest IDs follow subscription order within one build.
			for id := int64(1); ; id++ {
				d, err := db.FindDigest(ctx, id)
				if errors.Is(err, quire.ErrNotFound) {
					break
				}
				if err != nil {
					return nil, err
				}
				if d.PeriodKey == key {
					digestIDs[d.SubscriptionID] = d.ID
				}
			}
		}
		if id, ok = digestIDs[subID]; !ok {
			return nil, quire.ErrNotFound
		}
	}
	return db.FindDigest(ctx, id)
}

var digestIDs = map[int64]int64{}

// ensureSubscribers creates n confirmed daily subscribers with two topics
// each, unless the database has them.
func ensureSubscribers(ctx context.Context, db store.DB, n int, qs []string, res *buildResult) error {
	have, err := db.ListActiveSubscriptions(ctx, quire.Daily, 0, 1)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	distinct := map[string]bool{}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		t := quire.Topics{Query: qs[rng.IntN(len(qs))], Categories: []string{categories[rng.IntN(len(categories))]}}
		distinct["q:"+t.Query] = true
		distinct["c:"+t.Categories[0]] = true
		if len(have) > 0 {
			continue
		}
		s, err := db.Subscribe(ctx, &quire.Subscription{Email: "reader" + strconv.Itoa(i) + "@example.org", Frequency: quire.Daily, Topics: t, CreatedAt: at})
		if err != nil {
			return err
		}
		if err := db.ConfirmSubscription(ctx, s.ID, at); err != nil {
			return err
		}
	}
	res.DistinctTopics = len(distinct)
	return nil
}

func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct {
			Q      string `json:"q"`
			Common bool   `json:"common"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, err
		}
		if !q.Common {
			qs = append(qs, q.Q)
		}
	}
	if len(qs) == 0 {
		return nil, errors.New("no queries in " + path)
	}
	return qs, sc.Err()
}

type deliverResult struct {
	Backend          string  `json:"backend"`
	Messages         int     `json:"messages"`
	Workers          int     `json:"workers"`
	OutboxS          float64 `json:"outbox_s"`
	OutboxPerS       float64 `json:"outbox_per_s"`
	BaselineS        float64 `json:"baseline_direct_s"`
	BaselinePerS     float64 `json:"baseline_direct_per_s"`
	RatioToBaseline  float64 `json:"outbox_over_direct"`
	Sent, Failed     int
	MessageBytesMean int `json:"message_bytes_mean"`
}

func deliver(ctx context.Context, db store.DB, smtpAddr string, n, workers int, day time.Time) (*deliverResult, error) {
	host, portText, err := net.SplitHostPort(smtpAddr)
	if err != nil {
		return nil, fmt.Errorf("-smtp %q: %w", smtpAddr, err)
	}
	port, _ := strconv.Atoi(portText)
	smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, Security: mail.Plain})
	if err != nil {
		return nil, err
	}
	signer, err := auth.NewSigner([]byte("digestbench-secret-digestbench-secret"))
	if err != nil {
		return nil, err
	}
	from := netmail.Address{Name: "Quire", Address: "digest@quire.example"}
	s := &digest.Sender{Store: db, Mail: smtp, From: from, Links: &digest.Links{Base: "https://quire.example", Signer: signer},
		Workers: workers, Logger: quiet, Now: func() time.Time { return day }}
	// n subscribers of their own, one digest each: the period's trending
	// papers.
	at := day.Add(-48 * time.Hour)
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	p := quire.PeriodBefore(quire.Daily, day)
	b := &digest.Builder{Store: db, Logger: quiet, Now: func() time.Time { return day }}
	for i := range n {
		sub, err := db.Subscribe(ctx, &quire.Subscription{Email: "d" + tag + "-" + strconv.Itoa(i) + "@example.net", Frequency: quire.Daily, CreatedAt: at})
		if err != nil {
			return nil, err
		}
		if err := db.ConfirmSubscription(ctx, sub.ID, at); err != nil {
			return nil, err
		}
	}
	if _, err := b.Build(ctx, p); err != nil {
		return nil, err
	}
	res := &deliverResult{Backend: store.Backend(dsnFlag), Workers: workers}
	start := time.Now()
	rep, err := s.Run(ctx)
	if err != nil {
		return nil, err
	}
	res.OutboxS = time.Since(start).Seconds()
	res.Sent, res.Failed, res.Messages = rep.Sent, rep.Failed, rep.Sent
	if rep.Sent == 0 {
		return nil, errors.New("nothing was sent: is the period's list in the catalogue?")
	}
	res.OutboxPerS = float64(rep.Sent) / res.OutboxS

	// Baseline: the same kind of message, built once, sent straight to the
	// server by as many workers, with no outbox.
	d := &quire.Digest{ID: 1, PeriodKey: p.Key(), PaperIDs: nil}
	sub := &quire.Subscription{ID: 1, Email: "baseline@example.net", Frequency: quire.Daily}
	if dd, err := db.FindDigest(ctx, 1); err == nil {
		d = dd
	}
	msg, err := s.Message(ctx, d, sub, day)
	if err != nil {
		return nil, err
	}
	raw, _ := msg.Bytes()
	res.MessageBytesMean = len(raw)
	work := make(chan int)
	var wg sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	start = time.Now()
	for range workers {
		wg.Go(func() {
			for range work {
				if err := smtp.Send(ctx, msg); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range rep.Sent {
		work <- i
	}
	close(work)
	wg.Wait()
	res.BaselineS = time.Since(start).Seconds()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	res.BaselinePerS = float64(rep.Sent) / res.BaselineS
	res.RatioToBaseline = res.OutboxPerS / res.BaselinePerS
	return res, nil
}
