package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
)

// listNextRE reads the target of an RFC 8288 Link header's rel="next".
var listNextRE = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// MustWalkPapers follows GET /api/papers from start to its last page and
// returns every item, and the pages it took. Between pages it calls
// between (when not nil) with the number of pages read so far.
func MustWalkPapers(tb testing.TB, get func(string) response, start string, between func(page int)) (items []api.Paper, pages int) {
	tb.Helper()
	path := start
	for path != "" {
		r := get(path)
		if r.status != http.StatusOK {
			tb.Fatalf("GET %s: status %d, body %s", path, r.status, r.body)
		}
		var page []api.Paper
		MustDecode(tb, r, &page)
		items = append(items, page...)
		pages++
		path = ""
		if link := r.header.Get("Link"); link != "" {
			m := listNextRE.FindStringSubmatch(link)
			if m == nil {
				tb.Fatalf("GET %s: Link %q is not a next link", start, link)
			}
			path = m[1]
		}
		if pages > 1000 {
			tb.Fatal("more than 1000 pages: the cursor does not advance")
		}
		if between != nil && path != "" {
			between(pages)
		}
	}
	return items, pages
}

func TestListPapers(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newServer(t, db)
	get := func(path string) response { return MustGet(t, srv, path) }
	total, err := db.CountPapers(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("whole catalogue", func(t *testing.T) {
		items, pages := MustWalkPapers(t, get, "/api/papers?limit=37", nil)
		if want := (total + 36) / 37; pages != want {
			t.Errorf("%d papers in pages of 37 took %d pages, want %d", total, pages, want)
		}
		got := paperIDs(items)
		if len(got) != total || len(uniq(got)) != total {
			t.Fatalf("walk returned %d items (%d distinct), want each of the %d papers once", len(got), len(uniq(got)), total)
		}
		// Each item is the paper object of GET /api/papers/{id}, less the
		// fields of its newest daily entry, with the best-voted entry's
		// upvotes (as search results carry them).
		for _, it := range items[:min(len(items), 40)] {
			var one api.Paper
			MustDecode(t, MustGet(t, srv, "/api/papers/"+it.ID), &one)
			entries, err := db.FindDailyEntriesByPaper(t.Context(), it.ID)
			if err != nil {
				t.Fatal(err)
			}
			best := 0
			for _, e := range entries {
				best = max(best, e.Upvotes)
			}
			one.Upvotes, one.AISummary, one.AIKeywords, one.SubmittedOnDailyAt, one.SubmittedOnDailyBy = best, "", nil, "", nil
			if diff := cmp.Diff(one, it); diff != "" {
				t.Errorf("item %s mismatch (-GET /api/papers/{id} +list):\n%s", it.ID, diff)
			}
		}
	})

	t.Run("default and largest page", func(t *testing.T) {
		var page []api.Paper
		MustDecode(t, MustGet(t, srv, "/api/papers"), &page)
		if len(page) != min(total, 100) {
			t.Errorf("default page has %d items, want %d", len(page), min(total, 100))
		}
		MustDecode(t, MustGet(t, srv, "/api/papers?limit=500"), &page)
		if len(page) != min(total, 500) {
			t.Errorf("limit=500 page has %d items, want %d", len(page), min(total, 500))
		}
	})

	t.Run("last page has no next link", func(t *testing.T) {
		r := MustGet(t, srv, "/api/papers?limit=500")
		for r.header.Get("Link") != "" {
			r = MustGet(t, srv, listNextRE.FindStringSubmatch(r.header.Get("Link"))[1])
		}
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
	})

	t.Run("other parameters kept", func(t *testing.T) {
		r := MustGet(t, srv, "/api/papers?limit=3&extra=x")
		m := listNextRE.FindStringSubmatch(r.header.Get("Link"))
		if m == nil {
			t.Fatalf("no next link: %q", r.header.Get("Link"))
		}
		u, err := url.Parse(m[1])
		if err != nil {
			t.Fatal(err)
		}
		if u.Path != "/api/papers" || u.Query().Get("limit") != "3" || u.Query().Get("extra") != "x" || u.Query().Get("cursor") == "" {
			t.Errorf("next link %q does not keep the path and parameters", m[1])
		}
	})
}

// TestListPapersWhileWriting checks the walk's promise: papers written
// while a client pages through the catalogue are not missed (they move to
// the end and come again), new papers come at the end, hidden papers
// leave the listing and withdrawn ones stay, marked.
func TestListPapersWhileWriting(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newServer(t, db)
	get := func(path string) response { return MustGet(t, srv, path) }
	before, _ := MustWalkPapers(t, get, "/api/papers?limit=50", nil)
	if len(before) < 200 {
		t.Fatalf("only %d papers to walk", len(before))
	}
	seenEarly := before[10].ID // on the first page
	late := before[len(before)-5].ID
	hide := before[len(before)-10].ID
	withdraw := before[len(before)-20].ID
	fresh := &quire.Paper{ID: "2601.00001", Title: "A paper written during the walk", Authors: []string{"New Author"},
		PublishedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

	items, _ := MustWalkPapers(t, get, "/api/papers?limit=50", func(page int) {
		if page != 2 {
			return
		}
		ctx := t.Context()
		for _, id := range []string{seenEarly, late} {
			p, err := db.FindPaperByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			p.Comments = "changed during the walk"
			p.Version++
			if _, err := db.UpsertPapers(ctx, []*quire.Paper{p}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.UpsertPapers(ctx, []*quire.Paper{fresh}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPaperHidden(ctx, hide, true, quire.Moderation{Reason: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MarkWithdrawn(ctx, []string{withdraw}, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	})
	got := paperIDs(items)
	for _, p := range before {
		if p.ID != hide && !slices.Contains(got, p.ID) {
			t.Errorf("paper %s, there before the walk, was missed", p.ID)
		}
	}
	if slices.Contains(got, hide) {
		t.Errorf("hidden paper %s is listed", hide)
	}
	if n := count(got, seenEarly); n != 2 {
		t.Errorf("paper %s, changed after it was read, is listed %d times; want 2 (before and after the change)", seenEarly, n)
	}
	if n := count(got, late); n != 1 {
		t.Errorf("paper %s, changed before it was reached, is listed %d times; want once", late, n)
	}
	if got[len(got)-1] != fresh.ID && !slices.Contains(got[len(got)-5:], fresh.ID) {
		t.Errorf("the new paper %s is not among the last items: %v", fresh.ID, got[len(got)-5:])
	}
	i := slices.IndexFunc(items, func(p api.Paper) bool { return p.ID == withdraw })
	if i < 0 || !items[i].Withdrawn || items[i].WithdrawnAt != "2026-01-02T00:00:00.000Z" {
		t.Errorf("withdrawn paper %s: listed at %d, want it marked withdrawn", withdraw, i)
	}
}

func TestListPapersErrors(t *testing.T) {
	db := MustOpenStore(t)
	srv := newServer(t, db)
	for _, tc := range []struct{ query, msg string }{
		{"cursor=nonsense!", "cursor"},
		{"cursor=Yzk6MTI", "cursor"},                          // base64 of another prefix
		{"cursor=YzE6LTU", "cursor"},                          // "c1:-5"
		{"cursor=YzE6MDAx", "cursor"},                         // "c1:001"
		{"cursor=YzE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "cursor"}, // past int64
		{"limit=0", "limit"},
		{"limit=501", "limit"},
		{"limit=ten", "limit"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := MustGet(t, srv, "/api/papers?"+tc.query)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", r.status, r.body)
			}
			var e struct{ Error string }
			MustDecode(t, r, &e)
			if !strings.Contains(e.Error, tc.msg) {
				t.Errorf("error %q does not mention %s", e.Error, tc.msg)
			}
		})
	}
	t.Run("empty catalogue", func(t *testing.T) {
		r := MustGet(t, srv, "/api/papers")
		if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != "[]" || r.header.Get("Link") != "" {
			t.Errorf("status %d, body %s, Link %q; want 200, [] and no link", r.status, r.body, r.header.Get("Link"))
		}
	})
}

func paperIDs(ps []api.Paper) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func uniq(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}
