package api_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/arxiv"
)

func TestPaper(t *testing.T) {
	db := MustOpenStore(t)
	items := MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	// A paper from an arXiv listing that no daily list has shown.
	line, err := os.ReadFile("testdata/arxiv_listing_2503.13531.json")
	if err != nil {
		t.Fatal(err)
	}
	listing, err := arxiv.ParseListing(line)
	if err != nil {
		t.Fatal(err)
	}
	// A paper no source gave a date.
	undated := &quire.Paper{ID: "2401.00001", Title: "Undated", Authors: []string{"A. Author"}}
	if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{listing, undated}); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, db)

	var fx fixtureItem
	for _, it := range items {
		if it.Paper.ID == "2506.11924" {
			fx = it
		}
	}

	for _, path := range []string{"/api/papers/2506.11924", "/api/papers/2506.11924v1", "/api/papers/arXiv:2506.11924"} {
		t.Run(path, func(t *testing.T) {
			r := MustGet(t, srv, path)
			if r.status != 200 {
				t.Fatalf("status = %d, body %s", r.status, r.body)
			}
			var got api.Paper
			MustDecode(t, r, &got)
			if got.ID != "2506.11924" || got.Upvotes != fx.Paper.Upvotes || got.AISummary != fx.Paper.AISummary {
				t.Errorf("got id %q upvotes %d ai_summary %q; want 2506.11924, %d, %q",
					got.ID, got.Upvotes, got.AISummary, fx.Paper.Upvotes, fx.Paper.AISummary)
			}
			if got.ArxivURL != "https://arxiv.org/abs/2506.11924" || got.PDFURL != "https://arxiv.org/pdf/2506.11924" {
				t.Errorf("arxivUrl %q, pdfUrl %q", got.ArxivURL, got.PDFURL)
			}
			if len(got.Authors) != len(fx.Paper.Authors) || got.SubmittedOnDailyBy == nil {
				t.Errorf("authors %d (want %d), submittedOnDailyBy %v", len(got.Authors), len(fx.Paper.Authors), got.SubmittedOnDailyBy)
			}
		})
	}

	t.Run("never listed", func(t *testing.T) {
		r := MustGet(t, srv, "/api/papers/2503.13531")
		if r.status != 200 {
			t.Fatalf("status = %d, body %s", r.status, r.body)
		}
		var got map[string]any
		MustDecode(t, r, &got)
		var authors []any
		for _, a := range listing.Authors {
			authors = append(authors, map[string]any{"name": a, "hidden": false})
		}
		want := map[string]any{
			"id":          "2503.13531",
			"title":       "Context-aware Multimodal AI Reveals Hidden Pathways in Five Centuries of Art Evolution",
			"authors":     authors,
			"summary":     listing.Abstract,
			"upvotes":     float64(0),
			"publishedAt": "2025-03-19T00:00:00.000Z",
			"categories":  []any{"cs.CV", "cs.AI", "cs.CY", "cs.LG"},
			"arxivUrl":    "https://arxiv.org/abs/2503.13531",
			"pdfUrl":      "https://arxiv.org/pdf/2503.13531",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET /api/papers/2503.13531 mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("undated", func(t *testing.T) {
		var got map[string]any
		MustDecode(t, MustGet(t, srv, "/api/papers/2401.00001"), &got)
		if v, ok := got["publishedAt"]; !ok || v != nil {
			t.Errorf("publishedAt = %v (present %v), want null", v, ok)
		}
	})

	for _, tc := range []struct {
		method, path string
		status       int
		message      string
	}{
		{"GET", "/api/papers/2401.99999", 404, "Paper not found"},
		{"GET", "/api/papers/not-an-id", 400, ""},
		{"GET", "/api/papers/", 400, ""},
		{"GET", "/api/nothing/here", 404, ""},
		{"GET", "/api/", 404, ""},
		{"POST", "/api/daily_papers", 405, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := MustDo(t, srv, tc.method, tc.path)
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d (body %s)", r.status, tc.status, r.body)
			}
			var body map[string]string
			MustDecode(t, r, &body)
			if body["error"] == "" || (tc.message != "" && body["error"] != tc.message) {
				t.Errorf("body = %s, want error %q", r.body, tc.message)
			}
			if tc.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
}
