package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bleveindex "github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	blevequery "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// bleveBatch is the number of papers per Bleve batch.
const bleveBatch = 1000

// bleveEngine is a Bleve index on disk (scorch, the default) over title,
// abstract and authors, each analysed with the English analyzer (Unicode
// words, possessives, lower case, English stop words, Porter stemming) and
// kept with term vectors, as Quire keeps positions for phrases. All three
// go into Bleve's composite _all field, which the queries search: one
// postings list per term, as Quire's BM25F scoring has. Scoring is BM25.
// Nothing is stored: results are identifiers. Batches are not waited for
// (see newBleve).
type bleveEngine struct {
	dir     string
	tempDir bool
	ix      bleve.Index
	batch   *bleve.Batch
}

func newBleve(dir string) (*bleveEngine, error) {
	e := &bleveEngine{dir: dir}
	if dir == "" {
		d, err := os.MkdirTemp("", "bleve-bench-")
		if err != nil {
			return nil, err
		}
		e.dir, e.tempDir = d, true
	}
	text := mapping.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = false
	text.DocValues = false
	text.IncludeTermVectors = true
	text.IncludeInAll = true
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", text)
	doc.AddFieldMappingsAt("abstract", text)
	doc.AddFieldMappingsAt("authors", text)
	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.ScoringModel = index.BM25Scoring
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	// unsafe_batch: a batch returns once searchable, without waiting for
	// scorch to persist it (by default each batch waits for an fsync).
	// Quire's index lives in memory too and writes its snapshot apart, so
	// this is the like-for-like setting; Settle then waits for the disk.
	ix, err := bleve.NewUsing(filepath.Join(e.dir, "index"), m, bleveindex.Name, bleve.Config.DefaultKVStore,
		map[string]any{"unsafe_batch": true})
	if err != nil {
		e.Close()
		return nil, err
	}
	e.ix = ix
	e.batch = ix.NewBatch()
	return e, nil
}

// bleveDoc is what Bleve indexes of a paper; the field names are the
// mapping's.
type bleveDoc struct {
	Title    string   `json:"title"`
	Abstract string   `json:"abstract"`
	Authors  []string `json:"authors"`
}

// Index feeds the papers to Bleve in batches. A batch is analysed on every
// core and searchable when Batch returns.
func (e *bleveEngine) Index(docs <-chan doc) error {
	for p := range docs {
		if err := e.batch.Index(p.ID, bleveDoc{Title: p.Title, Abstract: p.Abstract, Authors: p.Authors}); err != nil {
			return err
		}
		if e.batch.Size() >= bleveBatch {
			if err := e.flush(); err != nil {
				return err
			}
		}
	}
	return e.flush()
}

func (e *bleveEngine) flush() error {
	if e.batch.Size() == 0 {
		return nil
	}
	err := e.ix.Batch(e.batch)
	e.batch.Reset()
	return err
}

// Settle waits until scorch has persisted every batch and its merges have
// gone quiet: the root epoch is persisted and has not moved for a second.
// It returns when that state began (the quiet second is not counted).
func (e *bleveEngine) Settle() (time.Time, error) {
	adv, err := e.ix.Advanced()
	if err != nil {
		return time.Time{}, err
	}
	s, ok := adv.(*bleveindex.Scorch)
	if !ok {
		return time.Time{}, fmt.Errorf("bleve index is a %T, not scorch", adv)
	}
	const quiet = time.Second
	var (
		last      uint64
		persisted time.Time // when the current root was first seen persisted
	)
	for {
		st := s.StatsMap()
		root, _ := st["CurRootEpoch"].(uint64)
		done, _ := st["LastPersistedEpoch"].(uint64)
		now := time.Now()
		if root != last {
			last, persisted = root, time.Time{}
		}
		if done >= root && persisted.IsZero() {
			persisted = now
		}
		if !persisted.IsZero() && now.Sub(persisted) >= quiet {
			return persisted, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *bleveEngine) Search(q string, k int) (int, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetOperator(blevequery.MatchQueryOperatorOr)
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := e.ix.Search(req)
	if err != nil {
		return 0, err
	}
	return len(res.Hits), nil
}

// Footprint reports the index's size on disk; its memory is the process's.
func (e *bleveEngine) Footprint() (memory, disk int64) {
	var n int64
	filepath.WalkDir(e.dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return 0, n
}

func (e *bleveEngine) Close() error {
	var err error
	if e.ix != nil {
		err = e.ix.Close()
	}
	if e.tempDir {
		os.RemoveAll(e.dir)
	}
	return err
}
