package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

func TestForYouFeed(t *testing.T) {
	f := mustAPIFixture(t)
	get := func(path, token string) (answer, ForYou) {
		t.Helper()
		a := f.do(t, call{op: operation{method: http.MethodGet}, path: path, token: token})
		var out ForYou
		if a.status == http.StatusOK {
			if err := json.Unmarshal(a.body, &out); err != nil {
				t.Fatalf("GET %s: %v\n%s", path, err, a.body)
			}
		}
		return a, out
	}
	a, feed := get("/api/for-you?limit=5", f.token)
	if a.status != http.StatusOK || a.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("GET /api/for-you: %d, Cache-Control %q\n%s", a.status, a.header.Get("Cache-Control"), a.body)
	}
	// The fixture's account has fewer signals than make a feed personal.
	before := feed.Signals
	if feed.Personal || before >= 3 || len(feed.Papers) != 5 || feed.Papers[0].Reason != "popular" {
		t.Errorf("feed of a new account = personal %v, %d signals, %d papers; want the 5 most upvoted", feed.Personal, feed.Signals, len(feed.Papers))
	}
	for i := 1; i < len(feed.Papers); i++ {
		if feed.Papers[i].Paper.Upvotes > feed.Papers[i-1].Paper.Upvotes {
			t.Errorf("unpersonal feed not by upvotes at %d", i)
		}
	}

	acct, err := f.db.FindAccountByUsername(t.Context(), "reader")
	if err != nil {
		t.Fatal(err)
	}
	var voted []string
	for _, p := range feed.Papers[:3] {
		if _, _, err := f.db.SetVote(t.Context(), acct.ID, p.Paper.ID, true); err != nil {
			t.Fatal(err)
		}
		voted = append(voted, p.Paper.ID)
	}
	_, feed = get("/api/for-you", f.token)
	if !feed.Personal || feed.Signals != before+3 || len(feed.Papers) == 0 || len(feed.Papers) > forYouDefault {
		t.Errorf("feed after 3 upvotes = personal %v, %d signals, %d papers", feed.Personal, feed.Signals, len(feed.Papers))
	}
	for _, p := range feed.Papers {
		if slices.Contains(voted, p.Paper.ID) {
			t.Errorf("feed holds %s, which the account upvoted", p.Paper.ID)
		}
	}

	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/api/for-you?limit=0", f.token, http.StatusBadRequest},
		{"/api/for-you?limit=101", f.token, http.StatusBadRequest},
		{"/api/for-you?limit=x", f.token, http.StatusBadRequest},
		{"/api/for-you", "", http.StatusUnauthorized},
		{"/api/for-you", "qk_nonsense", http.StatusUnauthorized},
	} {
		if a, _ := get(tc.path, tc.token); a.status != tc.want {
			t.Errorf("GET %s (token %q): %d, want %d", tc.path, tc.token, a.status, tc.want)
		}
	}
}
