package embedding

import (
	"context"
	"iter"
	"log/slog"
	"math"
	"runtime"
	"time"

	"quire"
)

// TrainOptions tunes Train. The zero value is a sound default for
// catalogues from a few thousand to a million papers.
type TrainOptions struct {
	// Dim is the vector length (default 256).
	Dim int
	// MaxVocab caps the vocabulary, most frequent terms first (default 100,000).
	MaxVocab int
	// MinCount is how often a term must occur to get a vector (default 3).
	MinCount int
	// MaxDocs caps the documents whose co-occurrences are counted; larger
	// catalogues are sampled evenly (default 300,000).
	MaxDocs int
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
	// Seed makes the randomized parts of training repeatable.
	Seed uint64
	// Logger receives one line per training stage (default: none).
	Logger *slog.Logger
}

// params are the training choices; tests tune the unexported ones.
type params struct {
	TrainOptions
	ppmi        ppmiParams
	oversample  int
	powerIters  int
	power       float64 // word vector = U·Σ^power
	normRows    bool    // unit-length word vectors before pooling
	sifA        float64 // term weight a/(a+p(w))
	idf         bool    // term weight idf instead of SIF
	maxPhrases  int     // phrases given vectors (phrase.go)
	phraseMin   int     // occurrences a phrase needs in the sampled corpus
	phraseBoost float64 // pooling weight of a phrase relative to a word as frequent
	components  int     // common components removed
	commonDocs  int     // documents used to find them
	contrastive contrastiveParams
}

func defaults(o TrainOptions) params {
	p := params{TrainOptions: o}
	if p.Dim <= 0 {
		p.Dim = 256
	}
	if p.MaxVocab <= 0 {
		p.MaxVocab = 100_000
	}
	if p.MinCount <= 0 {
		p.MinCount = 3
	}
	if p.MaxDocs <= 0 {
		p.MaxDocs = 300_000
	}
	if p.Workers <= 0 {
		p.Workers = runtime.GOMAXPROCS(0)
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	p.ppmi = ppmiParams{window: 0, contexts: 100_000, smoothing: 0.75, minPair: 1, topK: 400, blockMem: 32 << 20}
	p.oversample = 16
	p.powerIters = 2
	p.power = 0.5
	p.normRows = true
	p.sifA = 1e-3
	p.components = 1
	p.maxPhrases = 200_000
	p.phraseMin = 3
	// Twice a word's weight: the semantic score then leans on the phrases,
	// which BM25 does not see, and complements it more (descriptive
	// MRR@10 of hybrid search 0.826 at 1, 0.831 at 2, 0.827 at 4).
	p.phraseBoost = 2
	p.commonDocs = 20_000
	p.contrastive = contrastiveParams{
		epochs: 8, maxPairs: 1_000_000, batch: 256, lr: 0.05, temp: 0.05,
		titleProb: 0.5, spanMin: 10, spanMax: 30, dropout: 0.1, noTitle: 1, hardBits: 12,
	}
	return p
}

// maxDim bounds TrainOptions.Dim: past it a static model gains nothing and
// the vector index only grows.
const maxDim = 2048

// Train learns a model from docs, the catalogue's "title. abstract" texts.
// docs is iterated twice, so it must yield the same texts each time: once
// to count terms, once to keep the sampled documents as term ids.
//
// Word vectors start as a truncated SVD of the positive PMI matrix of terms
// co-occurring in a document, then are tuned contrastively: a paper's title,
// or a passage of its abstract without the title's words, must embed closer
// to the rest of that paper than to the other papers of a batch of similar
// ones. On the real catalogue this took known-item retrieval by description
// (MRR@10) from 0.09 to about 0.5; see eval_test.go.
func Train(ctx context.Context, docs iter.Seq[string], opts TrainOptions) (*Model, error) {
	if opts.Dim < 0 || opts.Dim > maxDim {
		return nil, quire.Invalidf("embedding: dimension %d is out of range (1..%d)", opts.Dim, maxDim)
	}
	return train(ctx, docs, defaults(opts))
}

func train(ctx context.Context, docs iter.Seq[string], p params) (*Model, error) {
	log := p.Logger
	tok := newTokenizer()
	start := time.Now()
	vc, err := countVocab(ctx, docs, tok, p.Workers)
	if err != nil {
		return nil, err
	}
	terms := selectVocab(vc, p.MinCount, p.MaxVocab)
	log.Info("embedding: counted terms", "docs", vc.docs, "tokens", vc.tokens, "distinct", len(vc.terms), "vocabulary", len(terms), "elapsed", time.Since(start))
	if len(terms) < 10 {
		return nil, quire.Invalidf("embedding: the catalogue is too small to learn from (%d documents, %d terms seen %d times or more)", vc.docs, len(terms), p.MinCount)
	}
	ids := make(map[string]uint32, len(terms))
	weight := make([]float32, len(terms))
	for i, t := range terms {
		ids[t] = uint32(i)
		s := vc.terms[t]
		if p.idf {
			weight[i] = float32(math.Log(float64(vc.docs+1) / float64(s.df)))
		} else {
			weight[i] = float32(p.sifA / (p.sifA + float64(s.count)/float64(vc.tokens)))
		}
	}
	nDocs := vc.docs
	vc = nil // free the counting map before the big allocations

	c, err := collectCorpus(ctx, docs, tok, ids, nDocs, p.MaxDocs, p.Workers)
	if err != nil {
		return nil, err
	}
	log.Info("embedding: collected corpus", "docs", c.len(), "tokens", len(c.toks), "elapsed", time.Since(start))

	mat, err := ppmiMatrix(ctx, c, len(terms), p.ppmi, p.Workers)
	if err != nil {
		return nil, err
	}
	log.Info("embedding: PPMI matrix", "rows", mat.rows, "cols", mat.cols, "nonzeros", len(mat.val), "elapsed", time.Since(start))

	w, _ := truncatedSVD(mat, p.Dim, p.oversample, p.powerIters, p.power, p.Seed, p.Workers)
	mat = nil
	if p.normRows {
		parallelRows(w.rows, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				normalize(w.row(i))
			}
		})
	}
	log.Info("embedding: word vectors", "dim", p.Dim, "elapsed", time.Since(start))
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	m := &Model{dim: p.Dim, tok: tok, terms: terms, weight: weight}
	m.ids = make(map[string]int32, len(terms))
	for i, t := range terms {
		m.ids[t] = int32(i)
	}
	// The co-occurrence matrix and the SVD's work space are garbage by now:
	// collecting them before the tuning allocates keeps the peak to what is
	// live instead of both.
	runtime.GC()
	if p.contrastive.epochs > 0 {
		// Phrases only get vectors from the tuning: without it they
		// would stay zero.
		w = addPhrases(m, w, c, p)
		log.Info("embedding: phrases", "phrases", len(m.phrases), "elapsed", time.Since(start))
	}
	if p.contrastive.epochs > 0 {
		if err := tuneContrastive(ctx, m, w, c, p); err != nil {
			return nil, err
		}
		log.Info("embedding: contrastive tuning", "elapsed", time.Since(start))
	}
	m.vec, m.scale = quantizeRows(w)
	m.common = commonComponents(m, c, p.components, p.commonDocs, p.Workers)
	m.name = m.contentName()
	log.Info("embedding: trained", "name", m.name, "elapsed", time.Since(start))
	return m, nil
}

// addPhrases adds the corpus's frequent phrases to m's vocabulary, with
// SIF weights from their frequency, and returns w with a zero row for each.
func addPhrases(m *Model, w *dense, c *corpus, p params) *dense {
	sel := selectPhrases(c, p.phraseMin, p.maxPhrases)
	if len(sel) == 0 {
		return w
	}
	nw := newDense(w.rows+len(sel), w.cols)
	copy(nw.d, w.d)
	m.phrases = make(map[uint64]uint32, len(sel))
	tokens := float64(len(c.toks))
	for _, ph := range sel {
		id := len(m.terms)
		t := m.terms[ph.key>>32] + phraseSep + m.terms[uint32(ph.key)]
		m.terms = append(m.terms, t)
		m.ids[t] = int32(id)
		m.weight = append(m.weight, float32(p.phraseBoost*p.sifA/(p.sifA+float64(ph.count)/tokens)))
		m.phrases[ph.key] = uint32(id)
	}
	return nw
}

// commonComponents returns the top n principal directions (uncentred) of
// the embeddings of up to max documents of c: the direction every abstract
// shares ("we propose a method ... results show"), which otherwise
// dominates cosine similarity.
func commonComponents(m *Model, c *corpus, n, maxDocs, workers int) []float32 {
	if n <= 0 || c.len() == 0 {
		return nil
	}
	docs := newDense(min(maxDocs, c.len()), m.dim)
	parallelRows(docs.rows, workers, func(_, lo, hi int) {
		var ids []uint32
		for i := lo; i < hi; i++ {
			d := i * c.len() / docs.rows
			ids = appendPhrases(m.phrases, append(ids[:0], c.doc(d)...))
			m.embedIDs(ids, docs.row(i))
		}
	})
	vals, vecs := symEigen(gram(docs, workers), m.dim)
	var out []float32
	for k := range min(n, m.dim) {
		if vals[k] <= 0 {
			break
		}
		for j := range m.dim {
			out = append(out, float32(vecs[j*m.dim+k]))
		}
	}
	return out
}
