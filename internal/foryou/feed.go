package foryou

import (
	"context"
	"errors"
	"time"

	"quire"
)

// SettingModel is the store setting that names the embedding model in use
// (search.SettingModel; not imported, so that this package stays free of
// the search engine).
const SettingModel = "search.model"

// Store is what the feed reads.
type Store interface {
	FindSignals(ctx context.Context, accountID int64, limit int) ([]quire.Signal, error)
	FindInterests(ctx context.Context, accountID int64) (*quire.Interests, error)
	FindEmbeddingsByPapers(ctx context.Context, model string, paperIDs []string) ([]quire.Embedding, error)
	FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error)
	Setting(ctx context.Context, key string) (string, error)
}

// EngineModel returns the Recommender.Model that asks search engine s
// which embedding model it uses, when s says (a ModelName method); nil,
// which leaves it to the store's SettingModel, when it does not.
func EngineModel(s any) func(context.Context) (string, error) {
	m, ok := s.(interface{ ModelName() string })
	if !ok {
		return nil
	}
	return func(context.Context) (string, error) { return m.ModelName(), nil }
}

// Recommender makes members' feeds from the store. Its zero fields take
// the defaults; it is safe for concurrent use.
type Recommender struct {
	Store Store
	// Model names the embedding model whose vectors to use; nil reads
	// the store's SettingModel. Without a model (or vectors), the feed
	// ranks by the chosen interests and popularity alone.
	Model func(ctx context.Context) (string, error)
	// Window is how far back the daily lists supply candidates (default
	// 30 days).
	Window time.Duration
	// MaxCandidates bounds the candidates, best-voted first (default 3000).
	MaxCandidates int
	// MinSignals is how many positive signals make a feed personal
	// without cold-start choices (default 3).
	MinSignals int
	// Params tune the ranking.
	Params Params
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Feed is one member's "For you".
type Feed struct {
	Items []*Item
	// Signals counts the member's positive signals (upvotes, saves,
	// opened pages), NotInterested their refusals.
	Signals, NotInterested int
	Interests              *quire.Interests
	// Personal reports whether there is enough to go on: MinSignals
	// positive signals, or a cold-start choice. Without it Items are the
	// most popular recent papers.
	Personal bool
}

// Item is one recommended paper.
type Item struct {
	*quire.DailyItem
	Score   float64
	Because string // see Ranked
}

// Feed returns up to limit papers for the account from the daily lists of
// the last Window.
func (r *Recommender) Feed(ctx context.Context, accountID int64, limit int) (*Feed, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	t := now().UTC()
	to := quire.TruncateDay(t).AddDate(0, 0, 1)
	window := r.Window
	if window <= 0 {
		window = 30 * 24 * time.Hour
	}
	return r.FeedBetween(ctx, accountID, to.Add(-window), to, limit)
}

// FeedBetween is Feed over the lists of the days in [from, to).
func (r *Recommender) FeedBetween(ctx context.Context, accountID int64, from, to time.Time, limit int) (*Feed, error) {
	if limit < 1 {
		return nil, quire.Invalidf("limit must be at least 1")
	}
	signals, err := r.Store.FindSignals(ctx, accountID, 0)
	if err != nil {
		return nil, err
	}
	in, err := r.Store.FindInterests(ctx, accountID)
	if err != nil {
		return nil, err
	}
	f := &Feed{Interests: in}
	for _, s := range signals {
		if s.Kind.Positive() {
			f.Signals++
		} else {
			f.NotInterested++
		}
	}
	minSignals := r.MinSignals
	if minSignals <= 0 {
		minSignals = 3
	}
	f.Personal = f.Signals >= minSignals || !in.Empty()

	maxCands := r.MaxCandidates
	if maxCands <= 0 {
		maxCands = 3000
	}
	items, _, err := r.Store.FindDailyItems(ctx, quire.DailyFilter{From: from, To: to, Sort: quire.SortUpvotes, Limit: maxCands})
	if err != nil {
		return nil, err
	}
	vecs, err := r.vectors(ctx, signals, in, items)
	if err != nil {
		return nil, err
	}
	followed, err := r.followed(ctx, accountID, items)
	if err != nil {
		return nil, err
	}
	if len(followed) > 0 {
		f.Personal = true
	}
	prof := Profile{Signals: signals, Vectors: vecs, Interests: in}
	cands := make([]Candidate, len(items))
	byID := make(map[string]*quire.DailyItem, len(items))
	for i, it := range items {
		cands[i] = Candidate{PaperID: it.Paper.ID, Vec: vecs[it.Paper.ID], Upvotes: it.Entry.Upvotes,
			Categories: it.Paper.Categories, Authors: it.Paper.Authors, Followed: followed[it.Paper.ID]}
		byID[it.Paper.ID] = it
	}
	params := r.Params
	if params.Now.IsZero() {
		params.Now = to
	}
	params.Seed = uint64(accountID)
	params.Limit = limit
	ranked, _, err := Rank(prof, cands, params)
	if err != nil {
		return nil, err
	}
	for _, rk := range ranked {
		f.Items = append(f.Items, &Item{DailyItem: byID[rk.PaperID], Score: rk.Score, Because: rk.Because})
	}
	return f, nil
}

// followed returns the candidates that the member's follows (authors,
// categories, organizations) bring, when the store keeps follows. It
// matches the follows against the candidates in hand rather than asking
// the store for every followed paper of the window, which would read the
// catalogue's recent papers on every request.
func (r *Recommender) followed(ctx context.Context, accountID int64, items []*quire.DailyItem) (map[string]bool, error) {
	fs, ok := r.Store.(interface {
		FindFollows(ctx context.Context, accountID int64) ([]*quire.Follow, error)
	})
	if !ok {
		return nil, nil
	}
	follows, err := fs.FindFollows(ctx, accountID)
	if err != nil || len(follows) == 0 {
		return nil, err
	}
	out := make(map[string]bool)
	for _, it := range items {
		var orgs []string
		if o := it.Entry.Organization.Name; o != "" {
			orgs = []string{o}
		}
		for _, f := range follows {
			if f.Matches(&it.Paper, orgs) {
				out[it.Paper.ID] = true
				break
			}
		}
	}
	return out, nil
}

// vectors reads the vectors of the signals', seeds' and candidates' papers.
func (r *Recommender) vectors(ctx context.Context, signals []quire.Signal, in *quire.Interests, items []*quire.DailyItem) (map[string][]float32, error) {
	model, err := r.modelName(ctx)
	if err != nil || model == "" {
		return map[string][]float32{}, err
	}
	ids := make([]string, 0, len(signals)+len(in.Papers)+len(items))
	for _, s := range signals {
		ids = append(ids, s.PaperID)
	}
	ids = append(ids, in.Papers...)
	for _, it := range items {
		ids = append(ids, it.Paper.ID)
	}
	stored, err := r.Store.FindEmbeddingsByPapers(ctx, model, ids)
	if err != nil {
		return nil, err
	}
	// One backing array: scoring streams through the vectors, which is
	// faster when they lie together.
	n := 0
	for _, e := range stored {
		n += max(len(e.Vector)-4, 0)
	}
	all := make([]float32, n)
	out := make(map[string][]float32, len(stored))
	for _, e := range stored {
		if len(e.Vector) < 5 {
			continue
		}
		dst := all[: len(e.Vector)-4 : len(e.Vector)-4]
		all = all[len(dst):]
		if v, ok := decodeTo(dst, e.Vector); ok {
			out[e.PaperID] = v
		}
	}
	return out, nil
}

func (r *Recommender) modelName(ctx context.Context) (string, error) {
	if r.Model != nil {
		return r.Model(ctx)
	}
	name, err := r.Store.Setting(ctx, SettingModel)
	if errors.Is(err, quire.ErrNotFound) {
		return "", nil
	}
	return name, err
}
