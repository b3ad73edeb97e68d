package api_test

import (
	"slices"
	"testing"
	"time"

	"quire/internal/api"
)

// TestWithdrawnPaper: a paper that arXiv withdrew leaves the search
// results and the daily lists; its paper object says so, and a paper
// that stands keeps Hugging Face's shape, without the field.
func TestWithdrawnPaper(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false))
	items, _ := MustSearch(t, srv, "/api/papers/search?q=diffusion&mode=lexical")
	if len(items) == 0 {
		t.Fatal("no results to begin with")
	}
	target := items[0].Paper.ID
	paperObject := func(id string) map[string]any {
		r := MustGet(t, srv, "/api/papers/"+id)
		if r.status != 200 {
			t.Fatalf("GET /api/papers/%s: status %d, body %s", id, r.status, r.body)
		}
		var obj map[string]any
		MustDecode(t, r, &obj)
		return obj
	}
	if obj := paperObject(target); obj["withdrawn"] != nil || obj["withdrawnAt"] != nil {
		t.Errorf("a paper that stands has withdrawn %v, withdrawnAt %v", obj["withdrawn"], obj["withdrawnAt"])
	}
	var daily []api.DailyPaper
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2025-06-16&limit=100"), &daily)
	// A listed paper other than the target, so that each check has its own.
	i := slices.IndexFunc(daily, func(d api.DailyPaper) bool { return d.Paper.ID != target })
	if i < 0 {
		t.Fatal("the list of 2025-06-16 has no paper besides the target")
	}
	listed := daily[i].Paper.ID

	at := time.Date(2025, 6, 17, 8, 30, 0, 0, time.UTC)
	if n, err := db.MarkWithdrawn(t.Context(), []string{target, listed}, at); err != nil || n != 2 {
		t.Fatalf("MarkWithdrawn = %d, %v; want 2", n, err)
	}
	items, _ = MustSearch(t, srv, "/api/papers/search?q=diffusion&mode=lexical")
	if slices.Contains(itemIDs(items), target) {
		t.Errorf("the withdrawn paper %s is still found", target)
	}
	var after []api.DailyPaper
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2025-06-16&limit=100"), &after)
	want := slices.DeleteFunc(ids(daily), func(id string) bool { return id == listed || id == target })
	if got := ids(after); !slices.Equal(got, want) {
		t.Errorf("the list of 2025-06-16 after withdrawing %s and %s: %v, want %v", listed, target, got, want)
	}
	obj := paperObject(target)
	if obj["withdrawn"] != true || obj["withdrawnAt"] != "2025-06-17T08:30:00.000Z" || obj["title"] == "" {
		t.Errorf("the withdrawn paper's object has withdrawn %v, withdrawnAt %v, title %v; want true, 2025-06-17T08:30:00.000Z and its title",
			obj["withdrawn"], obj["withdrawnAt"], obj["title"])
	}
}
