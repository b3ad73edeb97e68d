package web_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWithdrawnPaper: a paper that arXiv withdrew leaves the day lists,
// the search results and their feed, and the similar papers of other
// pages; its own page stays, saying so.
func TestWithdrawnPaper(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true), -1)
	ids := resultIDs(MustGet(t, srv, "/papers?q=diffusion").body)
	if len(ids) < 2 {
		t.Fatalf("results %v", ids)
	}
	target := ids[0]
	similarOf := func(id string) []string {
		body := MustGet(t, srv, "/papers/"+id).body
		i := strings.Index(body, "Similar papers")
		if i < 0 {
			return nil
		}
		return resultIDs(body[i:])
	}
	var host string
	for _, id := range ids[1:] {
		if slices.Contains(similarOf(id), target) {
			host = id
			break
		}
	}
	if host == "" {
		t.Fatalf("no result lists %s among its similar papers", target)
	}
	const dayPath = "/papers/date/2025-06-16"
	listed := resultIDs(MustGet(t, srv, dayPath).body)
	// A listed paper other than the target, so that each check has its own.
	i := slices.IndexFunc(listed, func(id string) bool { return id != target })
	if i < 0 {
		t.Fatalf("the list of 2025-06-16 has no paper besides %s: %v", target, listed)
	}
	gone := listed[i]
	const feedPath = "/papers/feed.atom?q=diffusion&sort=relevance"
	inFeed := func() bool { return strings.Contains(MustGet(t, srv, feedPath).body, "/papers/"+target+`"`) }
	if !inFeed() {
		t.Fatalf("the feed %s does not link %s", feedPath, target)
	}
	if page := MustGet(t, srv, "/papers/"+target).body; strings.Contains(page, "Withdrawn by its authors") {
		t.Fatalf("the page of %s says it is withdrawn before it is", target)
	}

	at := time.Date(2025, 6, 17, 8, 30, 0, 0, time.UTC)
	if n, err := db.MarkWithdrawn(t.Context(), []string{target, gone}, at); err != nil || n != 2 {
		t.Fatalf("MarkWithdrawn = %d, %v; want 2", n, err)
	}
	if slices.Contains(resultIDs(MustGet(t, srv, "/papers?q=diffusion").body), target) {
		t.Errorf("the withdrawn paper %s is still in the results", target)
	}
	if inFeed() {
		t.Errorf("the feed %s still links the withdrawn paper %s", feedPath, target)
	}
	if slices.Contains(similarOf(host), target) {
		t.Errorf("the withdrawn paper %s is still among the similar papers of %s", target, host)
	}
	want := slices.DeleteFunc(slices.Clone(listed), func(id string) bool { return id == gone || id == target })
	if got := resultIDs(MustGet(t, srv, dayPath).body); !slices.Equal(got, want) {
		t.Errorf("the list of 2025-06-16 after withdrawing %s and %s: %v, want %v", gone, target, got, want)
	}
	checkPage(t, MustGet(t, srv, "/papers/"+target), 200,
		`Withdrawn by its authors on <time datetime="2025-06-17">Jun 17, 2025</time>`)
}
