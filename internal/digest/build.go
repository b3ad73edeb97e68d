package digest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"quire"
	"quire/internal/search"
	"quire/internal/trending"
)

// Store is what digests need of the store.
type Store interface {
	quire.SubscriptionStore
	quire.DigestStore
	FindDailyItems(ctx context.Context, f quire.DailyFilter) ([]*quire.DailyItem, bool, error)
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
	VoteCounts(ctx context.Context, paperIDs []string) (map[string]int, error)
	FindHiddenPapers(ctx context.Context, paperIDs []string) (map[string]time.Time, error)
}

// Searcher finds the matches of a subscriber's topics (search.Engine).
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Response, error)
}

// How many papers a digest holds: the period's trending papers, and the
// best new matches of each topic.
const (
	trendingDaily  = 10
	trendingWeekly = 15
	perTopic       = 5
	// maxCandidates bounds the entries ranked for trending: a week of
	// lists holds a few hundred.
	maxCandidates = 5000
	// topicPool is how many matches of a topic are fetched, so that some
	// remain once the subscriber's earlier papers are taken out.
	topicPool = 20
	// topicLookback days before a period still count as new for topics.
	topicLookback = 7
	// enqueueBatch digests are queued per transaction.
	enqueueBatch = 500
)

// Builder queues the digests of a period: one per active subscription of
// its frequency, written to the outbox before anything is sent.
type Builder struct {
	Store Store
	// Search answers topics; nil leaves digests with trending papers only.
	Search Searcher
	Logger *slog.Logger
	// DryRun builds the digests without queueing them.
	DryRun bool
	// Now is the clock that dates the digests (nil: time.Now).
	Now func() time.Time
}

// BuildStats counts what Build did.
type BuildStats struct {
	Period        string
	Subscriptions int // active subscriptions of the frequency
	Queued        int // digests newly queued (0 for those queued before)
	Empty         int // subscriptions with nothing new to send
	Papers        int // papers in the digests built
	Searches      int // distinct topic searches run
	Took          time.Duration
}

func (s BuildStats) String() string {
	return fmt.Sprintf("%s: %d subscriptions, %d digests queued (%d with nothing new), %d papers, %d topic searches, in %s",
		s.Period, s.Subscriptions, s.Queued, s.Empty, s.Papers, s.Searches, s.Took.Round(time.Millisecond))
}

// topic is one thing a subscriber follows, the unit of search and of a
// digest's sections.
type topic struct {
	title string
	req   search.Request
}

func (t topic) key() string {
	return t.req.Query + "\x00" + strings.Join(t.req.Categories, ",") + "\x00" + strings.Join(t.req.Authors, ",")
}

// topicsOf lists the topics of t: its search, each category, each author.
func topicsOf(t quire.Topics, p quire.DigestPeriod) []topic {
	var out []topic
	// New papers: published in the period or the week before it (arXiv
	// dates trail the lists by days; a paper is never sent twice anyway).
	base := search.Request{From: p.Start.AddDate(0, 0, -topicLookback), To: p.End, Limit: topicPool}
	if t.Query != "" {
		r := base
		r.Query = t.Query
		out = append(out, topic{title: "Your search: " + t.Query, req: r})
	}
	for _, c := range t.Categories {
		r := base
		r.Categories = []string{c}
		r.Order = search.ByUpvotes
		out = append(out, topic{title: "New in " + c, req: r})
	}
	for _, a := range t.Authors {
		r := base
		r.Authors = []string{a}
		r.Order = search.ByUpvotes
		out = append(out, topic{title: "New from " + a, req: r})
	}
	return out
}

// Build queues the digests of period p. Running it again for the same
// period queues only what is missing (a new subscriber, a node that died
// half-way), since the outbox keeps one digest per subscription and
// period.
func (b *Builder) Build(ctx context.Context, p quire.DigestPeriod) (BuildStats, error) {
	start := time.Now()
	st := BuildStats{Period: p.Key()}
	trend, err := b.trending(ctx, p)
	if err != nil {
		return st, err
	}
	// Many subscribers follow the same topics: each is searched once.
	cache := map[string][]string{}
	var batch []*quire.Digest
	flush := func() error {
		if len(batch) == 0 || b.DryRun {
			batch = batch[:0]
			return nil
		}
		n, err := b.Store.EnqueueDigests(ctx, batch)
		if err != nil {
			return err
		}
		st.Queued += n
		batch = batch[:0]
		return nil
	}
	var after int64
	for {
		subs, err := b.Store.ListActiveSubscriptions(ctx, p.Frequency, after, enqueueBatch)
		if err != nil {
			return st, err
		}
		for _, s := range subs {
			after = s.ID
			st.Subscriptions++
			d, err := b.digestFor(ctx, s, p, trend, cache, &st)
			if err != nil {
				return st, err
			}
			if d == nil {
				st.Empty++
				continue
			}
			st.Papers += len(d.PaperIDs)
			batch = append(batch, d)
		}
		if err := flush(); err != nil {
			return st, err
		}
		if len(subs) < enqueueBatch {
			break
		}
	}
	if b.DryRun {
		st.Queued = st.Subscriptions - st.Empty
	}
	st.Took = time.Since(start)
	if b.Logger != nil {
		b.Logger.Info("digests built", "period", st.Period, "subscriptions", st.Subscriptions, "queued", st.Queued,
			"empty", st.Empty, "searches", st.Searches, "took", st.Took.Round(time.Millisecond))
	}
	return st, nil
}

// trending returns the period's trending papers, best first: the papers
// listed in the period, ranked as /papers/trending ranks them at the
// period's end.
func (b *Builder) trending(ctx context.Context, p quire.DigestPeriod) ([]string, error) {
	items, _, err := b.Store.FindDailyItems(ctx, quire.DailyFilter{From: p.Start, To: p.End, Sort: quire.SortUpvotes, Limit: maxCandidates})
	if err != nil {
		return nil, err
	}
	cands := make([]trending.Item, len(items))
	for i, it := range items {
		cands[i] = trending.FromEntry(&it.Entry)
	}
	// Ranked at the period's end, so that a rebuild ranks alike.
	ranked := trending.Rank(cands, p.End)
	n := trendingDaily
	if p.Frequency == quire.Weekly {
		n = trendingWeekly
	}
	ids := make([]string, 0, n)
	for _, it := range ranked {
		if len(ids) == n {
			break
		}
		ids = append(ids, it.ID)
	}
	return ids, nil
}

// standing returns ids without the papers arXiv withdrew or moderators
// hid: the search index holds every paper, but a digest sends neither
// (the trending section, read from the lists, has none).
func (b *Builder) standing(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return ids, nil
	}
	papers, err := b.Store.FindPapersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	hidden, err := b.Store.FindHiddenPapers(ctx, ids)
	if err != nil {
		return nil, err
	}
	gone := map[string]bool{}
	for _, p := range papers {
		if p.Withdrawn() {
			gone[p.ID] = true
		}
	}
	for id := range hidden {
		gone[id] = true
	}
	if len(gone) == 0 {
		return ids, nil
	}
	return slices.DeleteFunc(ids, func(id string) bool { return gone[id] }), nil
}

// digestFor builds the digest of one subscription, or nil when it would
// be empty: each paper once, and none the subscriber had before.
func (b *Builder) digestFor(ctx context.Context, s *quire.Subscription, p quire.DigestPeriod, trend []string, cache map[string][]string, st *BuildStats) (*quire.Digest, error) {
	type section struct {
		title string
		ids   []string
	}
	// A member's own picks come first, and trending fills in around them.
	// What the member's follows bring goes in their own sections, named
	// after the follow, so For you leaves it to them.
	follows, err := b.followSections(ctx, s, p) // follows.go
	if err != nil {
		return nil, err
	}
	followed := map[string]bool{}
	for _, f := range follows {
		for _, id := range f.ids {
			followed[id] = true
		}
	}
	forYou, err := b.forYouPapers(ctx, s, p) // foryou.go
	if err != nil {
		return nil, err
	}
	forYou = slices.DeleteFunc(forYou, func(id string) bool { return followed[id] })
	sections := []section{{title: "For you", ids: forYou}, {title: "Trending", ids: trend}}
	const trendingAt = 1 // the section that perTopic does not cut
	if b.Search != nil {
		for _, t := range topicsOf(s.Topics, p) {
			ids, ok := cache[t.key()]
			if !ok {
				resp, err := b.Search.Search(ctx, t.req)
				if err != nil {
					// A topic the engine cannot answer (a query it finds
					// malformed, an index still loading) leaves its
					// section out; the digest still goes.
					if b.Logger != nil {
						b.Logger.Warn("digest topic search failed", "topic", t.title, "error", err)
					}
				} else {
					for _, r := range resp.Results {
						ids = append(ids, r.PaperID)
					}
					if ids, err = b.standing(ctx, ids); err != nil {
						return nil, err
					}
				}
				cache[t.key()] = ids
				st.Searches++
			}
			sections = append(sections, section{title: t.title, ids: ids})
		}
	}
	for _, f := range follows {
		sections = append(sections, section(f))
	}
	var all []string
	for _, sec := range sections {
		all = append(all, sec.ids...)
	}
	if len(all) == 0 {
		return nil, nil
	}
	given, err := b.Store.FindGivenPapers(ctx, s.ID, all)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if b.Now != nil {
		now = b.Now()
	}
	d := &quire.Digest{SubscriptionID: s.ID, PeriodKey: p.Key(), CreatedAt: now}
	seen := map[string]bool{}
	for i, sec := range sections {
		limit := perTopic
		if i == trendingAt {
			limit = len(sec.ids)
		}
		n := 0
		for _, id := range sec.ids {
			if n == limit || len(d.PaperIDs) == quire.MaxDigestPapers {
				break
			}
			if seen[id] || given[id] {
				continue
			}
			seen[id] = true
			d.PaperIDs = append(d.PaperIDs, id)
			n++
		}
		if n > 0 {
			d.Sections = append(d.Sections, quire.DigestSection{Title: sec.title, Count: n})
		}
	}
	if len(d.PaperIDs) == 0 {
		return nil, nil
	}
	return d, nil
}
