package search

import (
	"context"
	"errors"
	"sync"
	"time"

	"quire"
	"quire/internal/search/lexical"
)

// Similar returns up to k papers nearest to paperID by meaning (its vector's
// neighbours), or, without semantic search or a vector for it, the papers
// that best match its title. An unknown paper is an error of kind
// quire.ErrNotFound.
func (e *Engine) Similar(ctx context.Context, paperID string, k int) ([]Result, error) {
	if k < 1 || k > MaxLimit {
		return nil, quire.Invalidf("limit must be between 1 and %d", MaxLimit)
	}
	e.mu.RLock()
	id, ok := e.docs.byPaper[paperID]
	e.mu.RUnlock()
	if !ok {
		return nil, quire.NotFoundf("paper %s is not in the search index", paperID)
	}
	if cands, ok := e.similar.get(paperID, k, time.Now()); ok {
		return e.similarResults(cands), nil
	}
	if cands, ok := e.sharedSimilar(ctx, paperID, k); ok {
		return e.similarResults(cands), nil
	}
	var cands []candidate
	if e.vec != nil {
		hits, err := e.vec.Neighbours(id, k+1)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			if h.ID != id {
				cands = append(cands, candidate{doc: h.ID, semantic: float64(h.Score), score: float64(h.Score)})
			}
		}
	}
	fromVectors := cands != nil
	if cands == nil {
		papers, err := e.store.FindPapersByIDs(ctx, []string{paperID})
		if err != nil || len(papers) == 0 {
			return nil, err
		}
		var terms []string
		for _, t := range e.analyzer.Tokens(papers[0].Title, nil) {
			terms = append(terms, t.Term)
		}
		for _, h := range e.lex.Search(lexical.Request{Should: terms, K: k + 1}) {
			if h.ID != id {
				cands = append(cands, candidate{doc: h.ID, lexical: float64(h.Score), score: float64(h.Score)})
			}
		}
	}
	if len(cands) > k {
		cands = cands[:k]
	}
	if fromVectors {
		// Not the title's matches: the paper's vector may come soon.
		now := time.Now()
		e.similar.put(paperID, k, cands, now)
		e.shareSimilar(paperID, k, cands, now)
	}
	return e.similarResults(cands), nil
}

// similarResults makes results of neighbours as the index holds them now:
// a withdrawn paper drops out, upvotes are current.
func (e *Engine) similarResults(cands []candidate) []Result {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Result, 0, len(cands))
	for _, cd := range cands {
		m := &e.docs.meta[cd.doc]
		if m.deleted {
			continue
		}
		out = append(out, Result{PaperID: m.paperID, Score: cd.score, Lexical: cd.lexical,
			Semantic: cd.semantic, Upvotes: int(m.upvotes)})
	}
	return out
}

// similarCache keeps the neighbours Similar found for recently shown
// papers. Finding them scans a good part of the vector index (a third of
// it on a synthetic million-paper catalogue, where the calibrated probe
// count is high), and every paper page asks: on such a catalogue the
// paper page's neighbours took more of a node's CPU than everything else
// it served. Readers crowd onto the same papers (the day's list), so a
// small cache answers most pages. A paper added meanwhile shows among its
// neighbours' similar papers once their entries expire (similarTTL).
type similarCache struct {
	mu sync.Mutex
	m  map[string]similarEntry
}

type similarEntry struct {
	k     int
	cands []candidate
	at    time.Time
}

const (
	similarTTL     = 10 * time.Minute
	similarEntries = 20000 // about 3 MB at the page's six neighbours
)

func (c *similarCache) get(paperID string, k int, now time.Time) ([]candidate, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	en, ok := c.m[paperID]
	if !ok || en.k < k || now.Sub(en.at) >= similarTTL {
		return nil, false
	}
	// The first k of the best k' ≥ k are the best k: the order is total
	// (scores, then paper ids).
	return en.cands[:min(k, len(en.cands))], true
}

func (c *similarCache) put(paperID string, k int, cands []candidate, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]similarEntry)
	}
	if len(c.m) >= similarEntries {
		// Drop an entry at random (map order), which needs no
		// bookkeeping per read; expired ones go first when found.
		for id, en := range c.m {
			delete(c.m, id)
			if now.Sub(en.at) < similarTTL {
				break
			}
		}
	}
	c.m[paperID] = similarEntry{k: k, cands: cands, at: now}
}

// similarWrites bounds the writes of similar papers to the store that run
// at once; similarWriteTimeout bounds each.
const (
	similarWrites       = 4
	similarWriteTimeout = 5 * time.Second
)

// sharedSimilar returns the neighbours of paperID that a node (this one
// before a restart, or another) stored, when they come from this engine's
// model, hold at least k papers or all there were, and are younger than
// similarTTL; it keeps them in the cache until they expire. A node that
// restarts, or joins, would otherwise search the vector index again for
// every paper page its readers open: on a million papers that costs as
// much CPU as a search, and the node serves slowly until its cache fills.
func (e *Engine) sharedSimilar(ctx context.Context, paperID string, k int) ([]candidate, bool) {
	if e.vec == nil {
		return nil, false
	}
	s, err := e.store.FindSimilarPapers(ctx, paperID)
	if err != nil {
		if !errors.Is(err, quire.ErrNotFound) && ctx.Err() == nil {
			e.logger.Debug("search: could not read stored similar papers", "paper", paperID, "error", err)
		}
		return nil, false
	}
	now := time.Now()
	age := now.Sub(s.ComputedAt)
	if s.Model != e.embedder.Name() || age >= similarTTL || age < -similarTTL ||
		(s.K < k && len(s.Neighbours) == s.K) {
		return nil, false
	}
	cands := make([]candidate, 0, len(s.Neighbours))
	e.mu.RLock()
	for _, n := range s.Neighbours {
		if doc, ok := e.docs.byPaper[n.PaperID]; ok {
			cands = append(cands, candidate{doc: doc, semantic: float64(n.Score), score: float64(n.Score)})
		}
	}
	e.mu.RUnlock()
	e.similar.put(paperID, max(k, s.K), cands, s.ComputedAt)
	return cands[:min(k, len(cands))], true
}

// shareSimilar stores the neighbours found for paperID, in the background:
// the page that asked does not wait for the write. When similarWrites are
// already under way (the store is slow or down) it drops them; they are a
// cache, found again when next asked.
func (e *Engine) shareSimilar(paperID string, k int, cands []candidate, at time.Time) {
	select {
	case e.sharing <- struct{}{}:
	default:
		return
	}
	set := quire.SimilarPapers{PaperID: paperID, Model: e.embedder.Name(), K: k, ComputedAt: at,
		Neighbours: make([]quire.Neighbour, 0, len(cands))}
	e.mu.RLock()
	for _, cd := range cands {
		set.Neighbours = append(set.Neighbours, quire.Neighbour{PaperID: e.docs.meta[cd.doc].paperID, Score: float32(cd.semantic)})
	}
	e.mu.RUnlock()
	go func() {
		defer func() { <-e.sharing }()
		ctx, cancel := context.WithTimeout(context.Background(), similarWriteTimeout)
		defer cancel()
		if err := e.store.PutSimilarPapers(ctx, []quire.SimilarPapers{set}); err != nil {
			e.logger.Debug("search: could not store similar papers", "paper", paperID, "error", err)
		}
	}()
}
