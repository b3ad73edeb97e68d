package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/klauspost/compress/zstd"

	"quire"
	"quire/internal/store/postgres"
	"quire/internal/testenv"
)

// listings is the arXiv listings archive described in shared/data/README.md.
const listings = "../../../../shared/data/arxiv/cs_listings_2025-03_2026-07.jsonl.zst"

// loadListings reads every paper of the listings archive, skipping tb when
// the file is absent.
func loadListings(tb testing.TB) []*quire.Paper {
	tb.Helper()
	f, err := os.Open(listings)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("listings archive not found: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	var papers []*quire.Paper
	dec := json.NewDecoder(zr)
	for {
		var rec struct {
			ID         string   `json:"id"`
			Title      string   `json:"title"`
			Authors    []string `json:"authors"`
			Categories []string `json:"categories"`
			Comment    string   `json:"comment"`
			Summary    string   `json:"summary"`
		}
		err := dec.Decode(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("%s, record %d: %v", listings, len(papers)+1, err)
		}
		papers = append(papers, &quire.Paper{ID: rec.ID, Title: rec.Title, Authors: rec.Authors,
			Categories: rec.Categories, Comments: rec.Comment, Abstract: rec.Summary})
	}
	return papers
}

// batchSize is the size of the batches an import writes.
const batchSize = 2000

// upsertAll writes papers in batches and returns the summed stats.
func upsertAll(tb testing.TB, db *postgres.DB, papers []*quire.Paper) quire.UpsertStats {
	tb.Helper()
	var total quire.UpsertStats
	for start := 0; start < len(papers); start += batchSize {
		st, err := db.UpsertPapers(context.Background(), papers[start:min(start+batchSize, len(papers))])
		if err != nil {
			tb.Fatal(err)
		}
		total.Add(st)
	}
	return total
}

// BenchmarkUpsertPapers loads the 74,728 papers of the arXiv listings
// archive: into an empty table (insert), again as they are (unchanged), and
// with a new version of each (update). It reports papers per second.
func BenchmarkUpsertPapers(b *testing.B) {
	papers := loadListings(b)
	url := testenv.PostgresURL(b)
	db, err := postgres.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	admin, err := pgx.Connect(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(context.Background())
	n := len(papers)
	perSecond := func(b *testing.B, rounds int) {
		b.ReportMetric(float64(n*rounds)/b.Elapsed().Seconds(), "papers/s")
	}

	b.Run("insert", func(b *testing.B) {
		rounds := 0
		for b.Loop() {
			b.StopTimer()
			if _, err := admin.Exec(b.Context(), `TRUNCATE papers CASCADE`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if st := upsertAll(b, db, papers); st.Inserted != n {
				b.Fatalf("upsert into an empty table = %+v, want %d inserted", st, n)
			}
			rounds++
		}
		perSecond(b, rounds)
	})
	b.Run("unchanged", func(b *testing.B) {
		upsertAll(b, db, papers)
		rounds := 0
		for b.Loop() {
			if st := upsertAll(b, db, papers); st.Unchanged != n {
				b.Fatalf("second upsert = %+v, want %d unchanged", st, n)
			}
			rounds++
		}
		perSecond(b, rounds)
	})
	b.Run("update", func(b *testing.B) {
		upsertAll(b, db, papers)
		rounds := 0
		for b.Loop() {
			b.StopTimer()
			// A newer version of every paper, which Merge must write.
			for _, p := range papers {
				p.Version++
			}
			b.StartTimer()
			if st := upsertAll(b, db, papers); st.Updated != n {
				b.Fatalf("upsert of new versions = %+v, want %d updated", st, n)
			}
			rounds++
		}
		perSecond(b, rounds)
	})
}

// loadCatalogue migrates a database at testenv's PostgreSQL and fills it
// with the listings archive, returning the store and the papers.
func loadCatalogue(b *testing.B) (*postgres.DB, []*quire.Paper) {
	b.Helper()
	papers := loadListings(b)
	db, err := postgres.Open(b.Context(), testenv.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	upsertAll(b, db, papers)
	return db, papers
}

// BenchmarkIndexBuild measures the store calls that `quire index` makes for
// every paper of the catalogue (the listings archive): reading the change
// feed, writing one vector per paper in batches, and reading the
// vectors back. It reports papers (or vectors) per second.
func BenchmarkIndexBuild(b *testing.B) {
	db, papers := loadCatalogue(b)
	n := len(papers)
	perSecond := func(b *testing.B, rounds int) {
		b.ReportMetric(float64(n*rounds)/b.Elapsed().Seconds(), "papers/s")
	}
	b.Run("feed", func(b *testing.B) {
		rounds := 0
		for b.Loop() {
			got := 0
			for after := int64(0); ; {
				cs, err := db.FindPaperChanges(b.Context(), after, 2000)
				if err != nil {
					b.Fatal(err)
				}
				if len(cs) == 0 {
					break
				}
				got += len(cs)
				after = cs[len(cs)-1].Seq
			}
			if got != n {
				b.Fatalf("the feed holds %d papers, want %d", got, n)
			}
			rounds++
		}
		perSecond(b, rounds)
	})
	vectors := make([]quire.Embedding, n)
	for i, p := range papers {
		v := make([]byte, 260) // 256 int8 dimensions and a scale, as package search stores them
		for j := range v {
			v[j] = byte(i + j)
		}
		vectors[i] = quire.Embedding{PaperID: p.ID, Vector: v}
	}
	for _, size := range []int{256, 2000} {
		b.Run(fmt.Sprintf("upsert-embeddings-%d", size), func(b *testing.B) {
			rounds := 0
			for b.Loop() {
				b.StopTimer()
				if err := db.DeleteEmbeddings(b.Context(), "bench"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for start := 0; start < n; start += size {
					if err := db.UpsertEmbeddings(b.Context(), "bench", vectors[start:min(start+size, n)]); err != nil {
						b.Fatal(err)
					}
				}
				rounds++
			}
			perSecond(b, rounds)
		})
	}
	b.Run("find-embeddings", func(b *testing.B) {
		rounds := 0
		for b.Loop() {
			got := 0
			for after := ""; ; {
				es, err := db.FindEmbeddings(b.Context(), "bench", after, 10000)
				if err != nil {
					b.Fatal(err)
				}
				if len(es) == 0 {
					break
				}
				got += len(es)
				after = es[len(es)-1].PaperID
			}
			if got != n {
				b.Fatalf("read %d vectors, want %d", got, n)
			}
			rounds++
		}
		perSecond(b, rounds)
	})
}
