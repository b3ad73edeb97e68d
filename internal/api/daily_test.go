package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/pagecache"
)

// listed is what a client reads of one listed paper.
type listed struct {
	Title       string
	Upvotes     int
	NumComments int
	Authors     []string
	AISummary   string
	Submitter   string
	// Organization is "name|fullname|avatar", "" for none.
	Organization string
}

func fromFixture(it fixtureItem) listed {
	l := listed{
		Title:       quire.OneLine(it.Title),
		Upvotes:     it.Paper.Upvotes,
		NumComments: it.NumComments,
		AISummary:   it.Paper.AISummary,
	}
	for _, a := range it.Paper.Authors {
		l.Authors = append(l.Authors, a.Name)
	}
	if it.SubmittedBy != nil {
		l.Submitter = it.SubmittedBy.Name
	}
	if o := it.Organization; o != nil {
		l.Organization = o.Name + "|" + quire.OneLine(o.Fullname) + "|" + o.Avatar
	}
	return l
}

func fromAPI(dp api.DailyPaper) listed {
	l := listed{
		Title:       quire.OneLine(dp.Title),
		Upvotes:     dp.Paper.Upvotes,
		NumComments: dp.NumComments,
		AISummary:   dp.Paper.AISummary,
	}
	for _, a := range dp.Paper.Authors {
		l.Authors = append(l.Authors, a.Name)
	}
	if dp.SubmittedBy != nil {
		l.Submitter = dp.SubmittedBy.Name
	}
	if o := dp.Organization; o != nil {
		l.Organization = o.Name + "|" + o.Fullname + "|" + o.Avatar
	}
	return l
}

var hfTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestDailyPapersRoundTrip imports each real Hugging Face response and checks
// that Quire serves the same list back.
func TestDailyPapersRoundTrip(t *testing.T) {
	for _, path := range fixtures {
		t.Run(filepath.Base(path), func(t *testing.T) {
			db := MustOpenStore(t)
			items := MustImport(t, db, path)
			srv := newServer(t, db)
			day := fixtureDay(t, path).Format(quire.DayLayout)

			r := MustGet(t, srv, "/api/daily_papers?date="+day+"&limit=100")
			if r.status != 200 {
				t.Fatalf("status = %d, body %s", r.status, r.body)
			}
			if link := r.header.Get("Link"); link != "" {
				t.Errorf("Link = %q for a complete list, want none", link)
			}
			var got []api.DailyPaper
			MustDecode(t, r, &got)

			want := make(map[string]listed)
			for _, it := range items {
				want[it.Paper.ID] = fromFixture(it)
			}
			gotByID := make(map[string]listed)
			for _, dp := range got {
				gotByID[dp.Paper.ID] = fromAPI(dp)
			}
			if diff := cmp.Diff(want, gotByID); diff != "" {
				t.Errorf("GET /api/daily_papers?date=%s mismatch (-fixture +got):\n%s", day, diff)
			}
			if len(got) != len(items) {
				t.Errorf("got %d items, want %d", len(got), len(items))
			}
			for i, dp := range got {
				if i > 0 && dp.Paper.Upvotes > got[i-1].Paper.Upvotes {
					t.Errorf("item %d (%s) has more upvotes than the one before: not ranked", i, dp.Paper.ID)
				}
				if !hfTime.MatchString(dp.PublishedAt) {
					t.Errorf("%s: publishedAt = %q, want HF's time format", dp.Paper.ID, dp.PublishedAt)
				}
				if !strings.HasPrefix(dp.PublishedAt, day) && dp.Paper.SubmittedOnDailyAt == "" {
					// Without a submission time the entry's day stands in.
					t.Errorf("%s: publishedAt = %q, not on %s", dp.Paper.ID, dp.PublishedAt, day)
				}
				if dp.Paper.PublishedAt == nil || !hfTime.MatchString(*dp.Paper.PublishedAt) {
					t.Errorf("%s: paper.publishedAt = %v, want HF's time format", dp.Paper.ID, dp.Paper.PublishedAt)
				}
				if dp.Summary == "" || dp.Summary != dp.Paper.Summary {
					t.Errorf("%s: summary %q and paper.summary %q should both be the abstract", dp.Paper.ID, dp.Summary, dp.Paper.Summary)
				}
			}
		})
	}
}

// TestDailyPapersShape checks field names and omission against the
// Hugging Face item shape, on the raw JSON.
func TestDailyPapersShape(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2024-06-03.json")
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	srv := newServer(t, db)

	var old, recent []map[string]any
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2024-06-03"), &old)
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2025-06-16"), &recent)
	if len(old) == 0 || len(recent) == 0 {
		t.Fatal("no items")
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	paperOf := func(m map[string]any) map[string]any { return m["paper"].(map[string]any) }

	// The 2024 items carry no submitter, AI fields or links: those keys
	// must be left out, not sent empty.
	wantOld := []string{"numComments", "paper", "publishedAt", "summary", "thumbnail", "title"}
	if diff := cmp.Diff(wantOld, keys(old[0])); diff != "" {
		t.Errorf("2024 item keys mismatch (-want +got):\n%s", diff)
	}
	wantOldPaper := []string{"authors", "id", "publishedAt", "summary", "title", "upvotes"}
	// submittedOnDailyAt may appear: the 2024 item's top-level publishedAt
	// is the time it was posted, which is what that field means.
	oldPaper := paperOf(old[0])
	delete(oldPaper, "submittedOnDailyAt")
	if diff := cmp.Diff(wantOldPaper, keys(oldPaper)); diff != "" {
		t.Errorf("2024 paper keys mismatch (-want +got):\n%s", diff)
	}

	// A 2025 item with every field Quire keeps.
	var full map[string]any
	for _, it := range recent {
		if paperOf(it)["id"] == "2506.11924" {
			full = it
		}
	}
	if full == nil {
		t.Fatal("2506.11924 not listed")
	}
	wantFull := []string{"numComments", "paper", "publishedAt", "submittedBy", "summary", "thumbnail", "title"}
	if diff := cmp.Diff(wantFull, keys(full)); diff != "" {
		t.Errorf("2025 item keys mismatch (-want +got):\n%s", diff)
	}
	wantFullPaper := []string{"ai_keywords", "ai_summary", "authors", "githubRepo", "id", "projectPage",
		"publishedAt", "submittedOnDailyAt", "submittedOnDailyBy", "summary", "title", "upvotes"}
	if diff := cmp.Diff(wantFullPaper, keys(paperOf(full))); diff != "" {
		t.Errorf("2025 paper keys mismatch (-want +got):\n%s", diff)
	}
	author := paperOf(full)["authors"].([]any)[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"name": "Min-Seop Kwak", "hidden": false}, author); diff != "" {
		t.Errorf("author mismatch (-want +got):\n%s", diff)
	}
	by := full["submittedBy"].(map[string]any)
	if by["name"] != "bracio9623" || by["avatarUrl"] == "" {
		t.Errorf("submittedBy = %v", by)
	}
	if got := paperOf(full)["githubRepo"]; got != "https://github.com/cvlab-kaist/MoAI" {
		t.Errorf("githubRepo = %v", got)
	}
}

// TestDailyPapersOrganization checks that 2026 items carry the organization
// object in Hugging Face's shape, as the recorded response has it.
func TestDailyPapersOrganization(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2026-08-21.json")
	srv := newServer(t, db)
	var items []map[string]any
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2026-08-21&limit=100"), &items)
	var org map[string]any
	for _, it := range items {
		if it["paper"].(map[string]any)["id"] == "2608.19880" {
			org, _ = it["organization"].(map[string]any)
		}
	}
	want := map[string]any{"name": "google", "fullname": "Google",
		"avatar": "https://cdn-avatars.huggingface.co/v1/production/uploads/5dd96eb166059660ed1ee413/WtA3YYitedOr9n02eHfJe.png"}
	if diff := cmp.Diff(want, org); diff != "" {
		t.Errorf("2608.19880 organization mismatch (-want +got):\n%s", diff)
	}
}

func TestDailyPapersPagination(t *testing.T) {
	db := MustOpenStore(t)
	items := MustImport(t, db, "../../testdata/hf/daily_papers_2026-08-21.json")
	srv := newServer(t, db)

	var wantIDs []string
	for _, it := range items {
		wantIDs = append(wantIDs, it.Paper.ID)
	}

	var gotIDs []string
	next := "/api/daily_papers?date=2026-08-21&limit=2&submitter="
	for page := 0; next != ""; page++ {
		if page > len(items) {
			t.Fatal("pagination does not end")
		}
		r := MustGet(t, srv, next)
		if r.status != 200 {
			t.Fatalf("GET %s: status %d, body %s", next, r.status, r.body)
		}
		var got []api.DailyPaper
		MustDecode(t, r, &got)
		for _, dp := range got {
			gotIDs = append(gotIDs, dp.Paper.ID)
		}
		next = ""
		if link := r.header.Get("Link"); link != "" {
			m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(link)
			if m == nil {
				t.Fatalf("Link = %q, want <url>; rel=\"next\"", link)
			}
			u, err := url.Parse(m[1])
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if u.Path != "/api/daily_papers" || q.Get("p") != fmt.Sprint(page+1) ||
				q.Get("date") != "2026-08-21" || q.Get("limit") != "2" {
				t.Fatalf("Link = %q: want the same query with p=%d", link, page+1)
			}
			next = m[1]
			if len(got) != 2 {
				t.Errorf("page %d has %d items and a next link, want 2", page, len(got))
			}
		}
	}
	slices.Sort(wantIDs)
	sorted := slices.Clone(gotIDs)
	slices.Sort(sorted)
	if diff := cmp.Diff(wantIDs, sorted); diff != "" {
		t.Errorf("paged ids mismatch (-want +got):\n%s", diff)
	}

	// Past the end: an empty array, never null.
	r := MustGet(t, srv, "/api/daily_papers?date=2026-08-21&limit=2&p=50")
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("past the end: status %d, body %q, want 200 []", r.status, r.body)
	}
	if link := r.header.Get("Link"); link != "" {
		t.Errorf("past the end: Link = %q", link)
	}
	r = MustGet(t, srv, "/api/daily_papers?date=2020-01-01")
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("empty day: status %d, body %q, want 200 []", r.status, r.body)
	}
}

// TestDailyPapersFilters checks periods, sort orders and the submitter filter
// against the imported fixtures.
func TestDailyPapersFilters(t *testing.T) {
	db := MustOpenStore(t)
	byDay := make(map[string][]fixtureItem)
	for _, path := range fixtures {
		byDay[fixtureDay(t, path).Format(quire.DayLayout)] = MustImport(t, db, path)
	}
	srv := newServer(t, db)

	get := func(t *testing.T, query string) []api.DailyPaper {
		t.Helper()
		r := MustGet(t, srv, "/api/daily_papers"+query)
		if r.status != 200 {
			t.Fatalf("GET %s: status %d, body %s", query, r.status, r.body)
		}
		var got []api.DailyPaper
		MustDecode(t, r, &got)
		return got
	}
	ids := func(dps []api.DailyPaper) []string {
		var out []string
		for _, dp := range dps {
			out = append(out, dp.Paper.ID)
		}
		slices.Sort(out)
		return out
	}
	fixtureIDs := func(items []fixtureItem, keep func(fixtureItem) bool) []string {
		var out []string
		for _, it := range items {
			if keep == nil || keep(it) {
				out = append(out, it.Paper.ID)
			}
		}
		slices.Sort(out)
		return out
	}

	t.Run("week", func(t *testing.T) {
		// 2025-06-16 is the Monday of ISO week 25.
		got := get(t, "?week=2025-W25&limit=100")
		if diff := cmp.Diff(fixtureIDs(byDay["2025-06-16"], nil), ids(got)); diff != "" {
			t.Errorf("week mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("month", func(t *testing.T) {
		got := get(t, "?month=2024-06&limit=100")
		if diff := cmp.Diff(fixtureIDs(byDay["2024-06-03"], nil), ids(got)); diff != "" {
			t.Errorf("month mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("submitter", func(t *testing.T) {
		got := get(t, "?submitter=taesiri&limit=100")
		want := fixtureIDs(byDay["2026-08-21"], func(it fixtureItem) bool {
			return it.SubmittedBy != nil && it.SubmittedBy.Name == "taesiri"
		})
		if len(want) == 0 {
			t.Fatal("fixture has no item submitted by taesiri")
		}
		if diff := cmp.Diff(want, ids(got)); diff != "" {
			t.Errorf("submitter mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("all newest first", func(t *testing.T) {
		got := get(t, "?limit=100")
		total := 0
		for _, items := range byDay {
			total += len(items)
		}
		if len(got) != total {
			t.Fatalf("got %d items, want every entry (%d)", len(got), total)
		}
		for i := 1; i < len(got); i++ {
			if got[i].PublishedAt > got[i-1].PublishedAt {
				t.Fatalf("item %d (%s, %s) is newer than the one before (%s): not newest first",
					i, got[i].Paper.ID, got[i].PublishedAt, got[i-1].PublishedAt)
			}
		}
	})
	t.Run("sort=publishedAt", func(t *testing.T) {
		got := get(t, "?date=2024-06-03&sort=publishedAt")
		if len(got) != len(byDay["2024-06-03"]) {
			t.Fatalf("got %d items", len(got))
		}
		for i := 1; i < len(got); i++ {
			if got[i].PublishedAt > got[i-1].PublishedAt {
				t.Errorf("item %d is newer than the one before: not sorted by publishedAt", i)
			}
		}
	})
	t.Run("sort=trending", func(t *testing.T) {
		// Trending ranks the last week as of now, long after every
		// fixture's day; TestDailyPapersTrending sets the clock.
		if got := get(t, "?sort=trending&limit=100"); len(got) != 0 {
			t.Errorf("sort=trending listed %d papers of fixtures months old, want none", len(got))
		}
	})
}

func TestDailyPapersBadInput(t *testing.T) {
	srv := newServer(t, MustOpenStore(t))
	for _, query := range []string{
		"date=2025-02-30",
		"date=yesterday",
		"week=2025-W54",
		"week=2025-25",
		"month=2025-13",
		"limit=0",
		"limit=101",
		"limit=ten",
		"p=-1",
		"p=x",
		"p=99999999999999999999",
		"sort=bogus",
		"sort=trending&date=2025-06-16",
		"sort=trending&month=2025-06",
		"date=2025-06-16&week=2025-W25",
		"week=2025-W25&month=2025-06",
	} {
		t.Run(query, func(t *testing.T) {
			r := MustGet(t, srv, "/api/daily_papers?"+query)
			if r.status != 400 {
				t.Fatalf("status = %d, want 400 (body %s)", r.status, r.body)
			}
			var body map[string]string
			MustDecode(t, r, &body)
			if body["error"] == "" || len(body) != 1 {
				t.Errorf("body = %s, want {\"error\": message}", r.body)
			}
		})
	}
}

// TestDailyPapersCached serves the daily list through a page cache: a
// repeated request gets the first answer, Link header included, until the
// entry expires or the cache is purged.
func TestDailyPapersCached(t *testing.T) {
	db := MustOpenStore(t)
	items := MustImport(t, db, "../../testdata/hf/daily_papers_2026-08-21.json")
	now := time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)
	cache := pagecache.New(3*time.Second, func() time.Time { return now })
	srv := httptest.NewServer(api.New(db, api.Options{Logger: slog.New(slog.DiscardHandler), Cache: cache}))
	t.Cleanup(srv.Close)
	const path = "/api/daily_papers?date=2026-08-21&limit=2"
	first := MustGet(t, srv, path)
	if first.status != 200 || first.header.Get("Link") == "" {
		t.Fatalf("GET %s = %d, Link %q; want 200 and a next page", path, first.status, first.header.Get("Link"))
	}

	// A vote arrives: the cached answer stands for its few seconds.
	top := items[0].Paper.ID
	day := fixtureDay(t, "../../testdata/hf/daily_papers_2026-08-21.json")
	if _, err := db.UpsertDailyEntries(t.Context(), []*quire.DailyEntry{{Day: day, PaperID: top, Upvotes: 100000}}); err != nil {
		t.Fatal(err)
	}
	again := MustGet(t, srv, path)
	if !bytes.Equal(again.body, first.body) || again.header.Get("Link") != first.header.Get("Link") ||
		again.header.Get("Content-Type") != first.header.Get("Content-Type") {
		t.Errorf("the repeated request was not answered from the cache:\n%s\n%s\nLink %q, %q", first.body, again.body,
			first.header.Get("Link"), again.header.Get("Link"))
	}
	// Another query is another entry.
	if other := MustGet(t, srv, path+"&p=1"); bytes.Equal(other.body, first.body) {
		t.Error("another page was answered with the first page")
	}

	upvotes := func(r response) int {
		var got []api.DailyPaper
		MustDecode(t, r, &got)
		for _, dp := range got {
			if dp.Paper.ID == top {
				return dp.Paper.Upvotes
			}
		}
		return -1
	}
	now = now.Add(3 * time.Second)
	if got := upvotes(MustGet(t, srv, path)); got != 100000 {
		t.Errorf("after the entry expired, %s has %d upvotes, want the stored 100000", top, got)
	}
	if _, err := db.UpsertDailyEntries(t.Context(), []*quire.DailyEntry{{Day: day, PaperID: top, Upvotes: 100001}}); err != nil {
		t.Fatal(err)
	}
	cache.Purge()
	if got := upvotes(MustGet(t, srv, path)); got != 100001 {
		t.Errorf("after a purge, %s has %d upvotes, want the stored 100001", top, got)
	}
	// Errors are not kept.
	if r := MustGet(t, srv, "/api/daily_papers?date=yesterday"); r.status != 400 {
		t.Errorf("bad date: status %d", r.status)
	}
	if _, ok := cache.Get("/api/daily_papers?date=yesterday"); ok {
		t.Error("an error answer was cached")
	}
}
