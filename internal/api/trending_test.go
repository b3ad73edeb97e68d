package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/trending"
)

// TestDailyPapersTrending checks sort=trending on the real lists: the
// papers listed in the week before now, ordered by trending score as the
// response's own counts and times give it.
func TestDailyPapersTrending(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2024-06-03.json")
	recent := MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	MustImport(t, db, "../../testdata/hf/daily_papers_2026-08-21.json")
	c := newClock(testNow) // the day after 2025-06-16
	srv := newWriteServer(t, db, c, api.Options{})
	get := func(t *testing.T, query string) ([]api.DailyPaper, response) {
		t.Helper()
		r := MustGet(t, srv, "/api/daily_papers?"+query)
		if r.status != 200 {
			t.Fatalf("GET %s = %d: %s", query, r.status, r.body)
		}
		var got []api.DailyPaper
		MustDecode(t, r, &got)
		return got, r
	}

	all, r := get(t, "sort=trending&limit=100")
	if link := r.header.Get("Link"); link != "" {
		t.Errorf("Link = %q on a complete list", link)
	}
	var wantIDs, gotIDs []string
	for _, it := range recent {
		wantIDs = append(wantIDs, it.Paper.ID)
	}
	for _, dp := range all {
		gotIDs = append(gotIDs, dp.Paper.ID)
	}
	slices.Sort(wantIDs)
	sorted := slices.Sorted(slices.Values(gotIDs))
	if diff := cmp.Diff(wantIDs, sorted); diff != "" {
		t.Errorf("trending papers mismatch: want exactly the week's (2025-06-16) (-want +got):\n%s", diff)
	}
	score := func(dp api.DailyPaper) float64 {
		listed, err := time.Parse("2006-01-02T15:04:05.000Z", dp.PublishedAt)
		if err != nil {
			t.Fatal(err)
		}
		return trending.Score(trending.Item{ID: dp.Paper.ID, Votes: dp.Paper.Upvotes, Comments: dp.NumComments, ListedAt: listed}, testNow)
	}
	for i := 1; i < len(all); i++ {
		if score(all[i]) > score(all[i-1]) {
			t.Errorf("item %d (%s) scores %.3f, above the one before (%.3f): not trending order",
				i, all[i].Paper.ID, score(all[i]), score(all[i-1]))
		}
	}

	t.Run("pages", func(t *testing.T) {
		if len(gotIDs) < 8 {
			t.Fatalf("only %d papers", len(gotIDs))
		}
		first, r := get(t, "sort=trending&limit=4")
		if !strings.Contains(r.header.Get("Link"), "p=1") {
			t.Errorf("Link = %q, want the next page", r.header.Get("Link"))
		}
		second, _ := get(t, "sort=trending&limit=4&p=1")
		if diff := cmp.Diff(gotIDs[:8], append(ids(first), ids(second)...)); diff != "" {
			t.Errorf("two pages of 4 mismatch the first 8 (-want +got):\n%s", diff)
		}
		if past, _ := get(t, "sort=trending&limit=100&p=5"); len(past) != 0 {
			t.Errorf("page past the end has %d items", len(past))
		}
	})

	t.Run("submitter", func(t *testing.T) {
		name := all[0].SubmittedBy.Name
		got, _ := get(t, "sort=trending&limit=100&submitter="+name)
		if len(got) == 0 {
			t.Fatal("no papers")
		}
		for _, dp := range got {
			if dp.SubmittedBy == nil || dp.SubmittedBy.Name != name {
				t.Errorf("%s submitted by %+v, want %s", dp.Paper.ID, dp.SubmittedBy, name)
			}
		}
	})

	t.Run("fresh beats more votes", func(t *testing.T) {
		// A paper listed now with fewer votes than yesterday's top paper,
		// but more than that paper keeps after half a day's decay, comes
		// first: the order is trending, not by upvotes.
		top := all[0]
		votes := int(0.8*(float64(top.Paper.Upvotes)+trending.CommentWeight*float64(top.NumComments))) + 1
		if votes >= top.Paper.Upvotes {
			t.Skipf("top paper has too many comments for this check (%d votes, %d comments)", top.Paper.Upvotes, top.NumComments)
		}
		ctx := t.Context()
		old := MustGet(t, srv, "/api/daily_papers?date=2024-06-03&limit=1")
		var oldList []api.DailyPaper
		MustDecode(t, old, &oldList)
		id := oldList[0].Paper.ID
		submitter := MustAccount(t, db, "submitter", testNow.Add(-48*time.Hour))
		if _, err := db.SubmitPaper(ctx, quire.Submission{PaperID: id, Day: quire.TruncateDay(testNow), AccountID: submitter.ID, At: testNow},
			quire.SubmissionRules{MaxPerDay: 1}); err != nil {
			t.Fatal(err)
		}
		for i := range votes {
			a := MustAccount(t, db, fmt.Sprintf("fan%03d", i), testNow.Add(-48*time.Hour))
			if _, _, err := db.SetVote(ctx, a.ID, id, true); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := get(t, "sort=trending&limit=2")
		if len(got) != 2 || got[0].Paper.ID != id || got[1].Paper.ID != top.Paper.ID {
			t.Errorf("trending = %v, want %s (%d votes, listed now) before %s (%d votes, listed yesterday)",
				ids(got), id, votes, top.Paper.ID, top.Paper.Upvotes)
		}
		if upvotes, _ := get(t, "date=2025-06-16&limit=1"); upvotes[0].Paper.Upvotes <= votes {
			t.Errorf("yesterday's top paper has %d upvotes, want more than %d", upvotes[0].Paper.Upvotes, votes)
		}
	})

	t.Run("a week later", func(t *testing.T) {
		c.Add(7 * 24 * time.Hour)
		if got, _ := get(t, "sort=trending"); len(got) != 0 {
			t.Errorf("%d papers trending a week after their day, want none", len(got))
		}
	})
}

func ids(items []api.DailyPaper) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Paper.ID
	}
	return out
}
