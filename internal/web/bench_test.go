package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"quire/internal/web"
)

// BenchmarkDayPage serves a real day of 28 papers from SQLite, in parallel as
// a busy server would: from the page cache, and rendered afresh each time.
func BenchmarkDayPage(b *testing.B) {
	db := MustOpenStore(b)
	MustImportDays(b, db, "testdata/daily_papers_2024-W24.jsonl.gz")
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{
		{"cached", time.Minute},
		{"uncached", -1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, err := web.New(db, web.Options{
				Now:      func() time.Time { return today },
				Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
				CacheTTL: bc.ttl,
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/papers/date/2024-06-14", nil))
					if rec.Code != http.StatusOK {
						b.Errorf("status %d", rec.Code)
						return
					}
				}
			})
		})
	}
}
