package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// mustSubmitServer serves the list of 2024-06-03 with accounts on and
// arXiv replayed: 2506.11924 (from 2025-06-13) and hep-th/9901001.
func mustSubmitServer(tb testing.TB) *communityServer {
	tb.Helper()
	db := MustOpenStore(tb)
	MustImportDaily(tb, db, "../../testdata/hf/daily_papers_2024-06-03.json")
	arxiv := MustArxivReplay(tb, map[string]string{"2506.11924": "one_entry_2025.xml", "hep-th/9901001": "old_style.xml"})
	return MustCommunityServer(tb, db, arxiv)
}

func TestSubmit(t *testing.T) {
	srv := mustSubmitServer(t)
	b := srv.NewBrowser(t)
	if r := b.Get("/submit"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?return=%2Fsubmit" {
		t.Errorf("submit form for a visitor: %d to %q", r.status, r.header.Get("Location"))
	}
	b.MustSignUp("ada")
	checkPage(t, b.Get("/submit"), http.StatusOK, `action="/submit"`, "last 14 days")

	submit := func(id string) response {
		t.Helper()
		return b.Submit("/submit", "/submit", url.Values{"id": {id}})
	}
	checkPage(t, submit("https://arxiv.org/abs/2506.11924v1"), http.StatusForbidden, "New accounts can submit papers")
	srv.clock.Advance(testDelay)

	// Fetched from arXiv, stored, and put on today's list.
	r := submit("https://arxiv.org/abs/2506.11924v1")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/papers/2506.11924" {
		t.Fatalf("submit: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	checkPage(t, b.Get("/papers/2506.11924"), http.StatusOK, "Jun 18, 2025 · 0 upvotes")
	day := b.Get("/papers/date/2025-06-18")
	checkPage(t, day, http.StatusOK, `href="/papers/2506.11924"`, "Submitted by ada")
	checkPage(t, srv.NewBrowser(t).Get("/"), http.StatusOK, `href="/papers/2506.11924"`)

	for _, tc := range []struct {
		name, id string
		status   int
		want     string
	}{
		{"malformed", "not-an-id", http.StatusBadRequest, "not-an-id"},
		{"empty", " ", http.StatusBadRequest, "Please enter an arXiv identifier"},
		{"already listed", "2506.11924", http.StatusConflict, "already on the list of 2025-06-18"},
		{"unknown to arXiv", "2506.99999", http.StatusNotFound, "arXiv has no paper 2506.99999"},
		{"too old", "hep-th/9901001", http.StatusBadRequest, "only papers from the last 14 days"},
		{"too old, in the catalogue", "2405.21060", http.StatusBadRequest, "only papers from the last 14 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := submit(tc.id)
			checkPage(t, r, tc.status, tc.want, `class="form-error"`)
		})
	}
}

func TestSubmitQuota(t *testing.T) {
	db := MustOpenStore(t)
	MustImportDaily(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	srv := MustCommunityServer(t, db, nil)
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	srv.clock.Advance(testDelay)
	// Papers of the list of 2025-06-16, within 14 days of 2025-06-18.
	for i, id := range []string{"2506.11924", "2506.11702"} {
		if r := b.Submit("/submit", "/submit", url.Values{"id": {id}}); r.status != http.StatusSeeOther {
			t.Fatalf("submission %d: %d\n%s", i+1, r.status, r.body)
		}
	}
	r := b.Submit("/submit", "/submit", url.Values{"id": {"2506.10892"}})
	checkPage(t, r, http.StatusTooManyRequests, "the daily limit")
}

func TestSubmitArxivUnreachable(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	srv := MustCommunityServer(t, MustOpenStore(t), mustAPIClient(t, down.URL))
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	srv.clock.Advance(testDelay)
	r := b.Submit("/submit", "/submit", url.Values{"id": {"2506.11924"}})
	checkPage(t, r, http.StatusServiceUnavailable, "try again later")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

func TestTrending(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	r := b.Get("/papers/trending")
	checkPage(t, r, http.StatusOK, "Trending papers", `<a href="/papers/trending" aria-current="page">Trending</a>`)
	// The 2025-06-16 list is within the week before 2025-06-18; 2024's is not.
	if !strings.Contains(r.body, `href="/papers/`+votePaper+`"`) || strings.Contains(r.body, `href="/papers/2406.`) {
		t.Error("trending does not hold exactly the papers of the past week")
	}
	checkPage(t, b.Get("/"), http.StatusOK, `href="/papers/trending"`)

	// A vote lifts a paper above those with fewer.
	b.MustSignUp("ada")
	srv.clock.Advance(testDelay)
	last := lastCard(t, b.Get("/papers/trending").body)
	before := upvotesOn(t, b.Get("/papers/trending").body, last)
	b.Submit("/papers/trending", "/papers/"+last+"/vote", nil)
	if got := upvotesOn(t, b.Get("/papers/trending").body, last); got != before+1 {
		t.Errorf("%s shows %d upvotes after a vote, want %d", last, got, before+1)
	}
}

func cardIDs(body string) []string {
	var ids []string
	for _, part := range strings.Split(body, `<h3 class="card-title"><a href="/papers/`)[1:] {
		id, _, _ := strings.Cut(part, `"`)
		ids = append(ids, id)
	}
	return ids
}

func lastCard(tb testing.TB, body string) string {
	tb.Helper()
	ids := cardIDs(body)
	if len(ids) == 0 {
		tb.Fatal("no cards")
	}
	return ids[len(ids)-1]
}
