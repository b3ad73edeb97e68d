package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/auth"
)

// testNow is the tests' clock at start: noon, a whole minute, the day after
// the 2025-06-16 fixture.
var testNow = time.Date(2025, 6, 17, 12, 0, 0, 0, time.UTC)

const votePaper = "2506.11924" // on the 2025-06-16 fixture

// MustUpvotes returns the paper's displayed upvotes, read as clients do.
func MustUpvotes(tb testing.TB, srv *httptest.Server, id string) int {
	tb.Helper()
	var p api.Paper
	MustDecode(tb, MustGet(tb, srv, "/api/papers/"+id), &p)
	return p.Upvotes
}

func TestAPIWriteAuthentication(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	c := newClock(testNow)
	srv := newWriteServer(t, db, c, api.Options{})
	ctx := t.Context()

	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	revoked, revokedID := MustToken(t, db, alice)
	if err := db.RevokeAPIToken(ctx, alice.ID, revokedID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	mallory := MustAccount(t, db, "mallory", testNow.Add(-48*time.Hour))
	disabled, _ := MustToken(t, db, mallory)
	if err := db.SetAccountDisabled(ctx, mallory.ID, true, quire.Moderation{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	unknown, _ := auth.NewAPIToken()
	session, _ := auth.NewToken()

	endpoints := []struct{ method, path, body string }{
		{"POST", "/api/papers/" + votePaper + "/upvote", ""},
		{"DELETE", "/api/papers/" + votePaper + "/upvote", ""},
		{"POST", "/api/papers/" + votePaper + "/comments", `{"body": "hi"}`},
		{"POST", "/api/papers/submit", `{"id": "` + votePaper + `"}`},
	}
	for _, ep := range endpoints {
		for _, tc := range []struct {
			name, header string
			challenge    string
		}{
			{"no token", "", `Bearer realm="quire"`},
			{"basic scheme", "Basic YWxpY2U6c2VjcmV0", `Bearer realm="quire"`},
			{"not an API token", "Bearer " + session, `error="invalid_token"`},
			{"unknown token", "Bearer " + unknown, `error="invalid_token"`},
			{"revoked token", "Bearer " + revoked, `error="invalid_token"`},
			{"disabled account", "Bearer " + disabled, `error="invalid_token"`},
		} {
			t.Run(ep.method+" "+ep.path+"/"+tc.name, func(t *testing.T) {
				req, err := http.NewRequestWithContext(ctx, ep.method, srv.URL+ep.path, strings.NewReader(ep.body))
				if err != nil {
					t.Fatal(err)
				}
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				// A cookie never authenticates an API write.
				req.AddCookie(&http.Cookie{Name: "quire_session", Value: session})
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401", resp.StatusCode)
				}
				if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
					t.Errorf("WWW-Authenticate = %q, want it to contain %q", got, tc.challenge)
				}
			})
		}
	}
	if got := MustUpvotes(t, srv, votePaper); got != fixtureUpvotes(t, votePaper) {
		t.Errorf("upvotes = %d after refused votes, want the imported %d", got, fixtureUpvotes(t, votePaper))
	}
}

// fixtureUpvotes is the paper's upvotes in the 2025-06-16 fixture.
func fixtureUpvotes(tb testing.TB, id string) int {
	tb.Helper()
	db := MustOpenStore(tb)
	for _, it := range MustImport(tb, db, "../../testdata/hf/daily_papers_2025-06-16.json") {
		if it.Paper.ID == id {
			return it.Paper.Upvotes
		}
	}
	tb.Fatalf("%s is not in the fixture", id)
	return 0
}

func TestAPIVote(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	c := newClock(testNow)
	srv := newWriteServer(t, db, c, api.Options{Limits: api.Limits{Votes: api.Rate{Limit: 5, Window: time.Minute}}})
	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	token, tokenID := MustToken(t, db, alice)
	base := fixtureUpvotes(t, votePaper)
	path := "/api/papers/" + votePaper + "/upvote"

	for i, step := range []struct {
		method string
		want   api.VoteResult
	}{
		{"POST", api.VoteResult{Upvotes: base + 1, Upvoted: true}},
		{"POST", api.VoteResult{Upvotes: base + 1, Upvoted: true}}, // twice changes nothing
		{"DELETE", api.VoteResult{Upvotes: base, Upvoted: false}},
		{"DELETE", api.VoteResult{Upvotes: base, Upvoted: false}},
		{"POST", api.VoteResult{Upvotes: base + 1, Upvoted: true}},
	} {
		r := MustSend(t, srv, step.method, path, token, "")
		if r.status != 200 {
			t.Fatalf("step %d: %s = %d: %s", i, step.method, r.status, r.body)
		}
		var got api.VoteResult
		MustDecode(t, r, &got)
		if diff := cmp.Diff(step.want, got); diff != "" {
			t.Errorf("step %d: %s %s mismatch (-want +got):\n%s", i, step.method, path, diff)
		}
	}
	if got := MustUpvotes(t, srv, votePaper); got != base+1 {
		t.Errorf("GET upvotes = %d, want %d", got, base+1)
	}

	// Five votes in this minute: the sixth waits for the next one.
	r := MustSend(t, srv, "POST", path, token, "")
	wantError(t, r, http.StatusTooManyRequests, "try again in 60 seconds")
	if got := r.header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}
	bob := MustAccount(t, db, "bob", testNow.Add(-48*time.Hour))
	bobToken, _ := MustToken(t, db, bob)
	if r := MustSend(t, srv, "POST", path, bobToken, ""); r.status != 200 {
		t.Errorf("another account's vote: status %d, want 200 (limits are per account)", r.status)
	}
	c.Add(time.Minute)
	if r := MustSend(t, srv, "DELETE", path, token, ""); r.status != 200 {
		t.Errorf("vote in the next minute: status %d, want 200", r.status)
	}

	t.Run("refusals", func(t *testing.T) {
		wantError(t, MustSend(t, srv, "POST", "/api/papers/2401.99999/upvote", token, ""), 404, "Paper not found")
		wantError(t, MustSend(t, srv, "DELETE", "/api/papers/2401.99999/upvote", token, ""), 404, "Paper not found")
		wantError(t, MustSend(t, srv, "POST", "/api/papers/not-an-id/upvote", token, ""), 400, "")
		wantError(t, MustSend(t, srv, "POST", "/api/papers/"+votePaper+"/like", token, ""), 404, "No API endpoint")
		r := MustSend(t, srv, "PUT", path, token, "")
		wantError(t, r, 405, "")
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "POST") || !strings.Contains(allow, "DELETE") {
			t.Errorf("Allow = %q, want POST and DELETE among them", allow)
		}
	})

	t.Run("last use recorded once a minute", func(t *testing.T) {
		lastUsed := func() time.Time {
			tokens, err := db.ListAPITokens(t.Context(), alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range tokens {
				if tok.ID == tokenID {
					return tok.LastUsedAt
				}
			}
			t.Fatal("token not listed")
			return time.Time{}
		}
		// The requests above ran at testNow and a minute later.
		if got, want := lastUsed(), testNow.Add(time.Minute); !got.Equal(want) {
			t.Fatalf("LastUsedAt = %v, want %v", got, want)
		}
		c.Add(30 * time.Second)
		MustSend(t, srv, "POST", path, token, "")
		if got, want := lastUsed(), testNow.Add(time.Minute); !got.Equal(want) {
			t.Errorf("LastUsedAt = %v after a use 30s later, want still %v", got, want)
		}
		c.Add(30 * time.Second)
		MustSend(t, srv, "POST", path, token, "")
		if got, want := lastUsed(), testNow.Add(2*time.Minute); !got.Equal(want) {
			t.Errorf("LastUsedAt = %v after a use a minute later, want %v", got, want)
		}
	})
}

// TestAPIVoteConcurrent has many accounts vote on one paper at once, then
// withdraw at once: the count must be exact both times.
func TestAPIVoteConcurrent(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	srv := newWriteServer(t, db, newClock(testNow), api.Options{})
	base := fixtureUpvotes(t, votePaper)
	const voters = 40
	tokens := make([]string, voters)
	for i := range tokens {
		tokens[i], _ = MustToken(t, db, MustAccount(t, db, fmt.Sprintf("voter%02d", i), testNow.Add(-48*time.Hour)))
	}
	path := "/api/papers/" + votePaper + "/upvote"
	run := func(method string) []api.VoteResult {
		results := make([]api.VoteResult, voters)
		errs := make([]string, voters)
		var wg sync.WaitGroup
		for i, tok := range tokens {
			wg.Go(func() {
				r := MustSend(t, srv, method, path, tok, "")
				if r.status != 200 {
					errs[i] = fmt.Sprintf("voter %d: %s = %d: %s", i, method, r.status, r.body)
					return
				}
				MustDecode(t, r, &results[i])
			})
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				t.Fatal(e)
			}
		}
		return results
	}

	for _, r := range run("POST") {
		if !r.Upvoted || r.Upvotes <= base || r.Upvotes > base+voters {
			t.Errorf("vote result %+v, want upvoted with a count in (%d, %d]", r, base, base+voters)
		}
	}
	if got := MustUpvotes(t, srv, votePaper); got != base+voters {
		t.Errorf("upvotes after %d concurrent votes = %d, want %d", voters, got, base+voters)
	}
	for _, r := range run("DELETE") {
		if r.Upvoted || r.Upvotes < base || r.Upvotes >= base+voters {
			t.Errorf("withdrawal result %+v, want a count in [%d, %d)", r, base, base+voters)
		}
	}
	if got := MustUpvotes(t, srv, votePaper); got != base {
		t.Errorf("upvotes after withdrawing every vote = %d, want %d", got, base)
	}
}

func TestAPIComments(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	c := newClock(testNow)
	srv := newWriteServer(t, db, c, api.Options{Limits: api.Limits{Comments: api.Rate{Limit: 4, Window: time.Minute}}})
	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	token, _ := MustToken(t, db, alice)
	path := "/api/papers/" + votePaper + "/comments"

	r := MustSend(t, srv, "POST", path, token, `{"body": "Nice **result**.\r\n\r\n<script>alert(1)</script>"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("POST comment = %d: %s", r.status, r.body)
	}
	var first api.Comment
	MustDecode(t, r, &first)
	want := api.Comment{
		ID: first.ID, PaperID: votePaper, Author: &api.User{Name: "alice"},
		Body: "Nice **result**.\n\n<script>alert(1)</script>", HTML: first.HTML,
		CreatedAt: "2025-06-17T12:00:00.000Z",
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("created comment mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(first.HTML, "<strong>result</strong>") || strings.Contains(first.HTML, "<script") {
		t.Errorf("html = %q, want rendered Markdown without the script", first.HTML)
	}

	r = MustSend(t, srv, "POST", path, token, fmt.Sprintf(`{"body": "A reply", "parentId": %d}`, first.ID))
	if r.status != http.StatusCreated {
		t.Fatalf("POST reply = %d: %s", r.status, r.body)
	}
	var reply api.Comment
	MustDecode(t, r, &reply)
	if reply.ParentID != first.ID {
		t.Errorf("reply parentId = %d, want %d", reply.ParentID, first.ID)
	}
	r = MustSend(t, srv, "POST", path, token, `{"body": "To be hidden", "parentId": null}`)
	var hidden api.Comment
	MustDecode(t, r, &hidden)
	r = MustSend(t, srv, "POST", path, token, `{"body": "To be deleted"}`)
	var deleted api.Comment
	MustDecode(t, r, &deleted)
	ctx := t.Context()
	if err := db.SetCommentHidden(ctx, hidden.ID, true, quire.Moderation{Reason: "off topic"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteComment(ctx, deleted.ID, alice.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}

	// Reading needs no token; withheld comments keep only their place.
	r = MustSend(t, srv, "GET", path, "", "")
	if r.status != 200 {
		t.Fatalf("GET comments = %d: %s", r.status, r.body)
	}
	var got []api.Comment
	MustDecode(t, r, &got)
	hidden.Author, hidden.Body, hidden.HTML, hidden.Hidden = nil, "", "", true
	deleted.Author, deleted.Body, deleted.HTML, deleted.Deleted = nil, "", "", true
	if diff := cmp.Diff([]api.Comment{first, reply, hidden, deleted}, got); diff != "" {
		t.Errorf("GET %s mismatch (-want +got):\n%s", path, diff)
	}
	if strings.Contains(string(r.body), "To be hidden") || strings.Contains(string(r.body), "To be deleted") {
		t.Errorf("GET comments shows a withheld body: %s", r.body)
	}

	// Four comments this minute: the fifth is refused, valid or not
	// checked first.
	wantError(t, MustSend(t, srv, "POST", path, token, `{"body": "one more"}`), http.StatusTooManyRequests, "Too many requests")
	c.Add(time.Minute)

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			name, path, body string
			status           int
			msg              string
		}{
			{"unknown paper", "/api/papers/2401.99999/comments", `{"body": "hi"}`, 404, "Paper not found"},
			{"malformed id", "/api/papers/nope/comments", `{"body": "hi"}`, 400, ""},
			{"empty body", path, `{"body": "  \n "}`, 400, "cannot be empty"},
			{"no body field", path, `{}`, 400, "cannot be empty"},
			{"no JSON", path, ``, 400, "JSON object"},
			{"not JSON", path, `body=hi`, 400, "not one valid JSON object"},
			{"two objects", path, `{"body": "a"}{"body": "b"}`, 400, "not one valid JSON object"},
			{"array", path, `["hi"]`, 400, "must be a JSON object"},
			{"unknown field", path, `{"body": "hi", "text": "hi"}`, 400, `unknown field "text"`},
			{"parentId a string", path, `{"body": "hi", "parentId": "1"}`, 400, `"parentId" has the wrong type: a number expected`},
			{"parent unknown", path, `{"body": "hi", "parentId": 9999}`, 400, "does not exist"},
			{"parent hidden", path, fmt.Sprintf(`{"body": "hi", "parentId": %d}`, hidden.ID), 400, "has been removed"},
			{"too long", path, `{"body": "` + strings.Repeat("x", quire.MaxCommentBytes+1) + `"}`, 400, "at most 20000 bytes"},
			{"oversized request", path, `{"body": "` + strings.Repeat("x", 70_000) + `"}`, 413, "larger than 65536 bytes"},
			{"NUL", path, `{"body": "a\u0000b"}`, 400, "NUL"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, MustSend(t, srv, "POST", tc.path, token, tc.body), tc.status, tc.msg)
			})
		}
		wantError(t, MustSend(t, srv, "GET", "/api/papers/2401.99999/comments", "", ""), 404, "Paper not found")
	})

	r = MustSend(t, srv, "GET", path, "", "")
	MustDecode(t, r, &got)
	if len(got) != 4 {
		t.Errorf("%d comments after the refusals, want still 4", len(got))
	}
}

func TestAPISubmit(t *testing.T) {
	db := MustOpenStore(t)
	replay := newArxivReplay(t)
	c := newClock(testNow)
	srv := newWriteServer(t, db, c, api.Options{ArXiv: replay.MustClient(t), SubmitPerDay: 1,
		Limits: api.Limits{Submissions: api.Rate{Limit: 20, Window: time.Hour}}})
	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	aliceToken, _ := MustToken(t, db, alice)
	bob := MustAccount(t, db, "bob", testNow.Add(-48*time.Hour))
	bobToken, _ := MustToken(t, db, bob)

	// A URL with a version, for a paper arXiv has and the catalogue not.
	r := MustSend(t, srv, "POST", "/api/papers/submit", aliceToken, `{"id": "https://arxiv.org/abs/2506.11924v1"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("submit = %d: %s", r.status, r.body)
	}
	var item api.DailyPaper
	MustDecode(t, r, &item)
	if item.Paper.ID != "2506.11924" || item.SubmittedBy == nil || item.SubmittedBy.Name != "alice" ||
		item.PublishedAt != "2025-06-17T12:00:00.000Z" || !strings.HasPrefix(item.Title, "Aligned Novel View Image") {
		t.Errorf("submitted item = %+v", item)
	}
	if n := replay.requests.Load(); n != 1 {
		t.Errorf("arXiv asked %d times, want once", n)
	}
	var listed []api.DailyPaper
	MustDecode(t, MustGet(t, srv, "/api/daily_papers?date=2025-06-17"), &listed)
	if len(listed) != 1 || listed[0].Paper.ID != "2506.11924" {
		t.Errorf("list of 2025-06-17 = %+v, want the submitted paper", listed)
	}

	// Already listed today: a conflict, whoever submits it, without asking
	// arXiv again.
	wantError(t, MustSend(t, srv, "POST", "/api/papers/submit", bobToken, `{"id": "2506.11924"}`), http.StatusConflict, "already on the list of 2025-06-17")
	if n := replay.requests.Load(); n != 1 {
		t.Errorf("arXiv asked %d times, want still once", n)
	}

	// One a day: alice's next waits for the next UTC day, twelve hours off.
	r = MustSend(t, srv, "POST", "/api/papers/submit", aliceToken, `{"id": "2506.11702"}`)
	wantError(t, r, http.StatusTooManyRequests, "daily limit")
	if got := r.header.Get("Retry-After"); got != "43200" {
		t.Errorf("Retry-After = %q, want 43200 (until midnight UTC)", got)
	}

	for _, tc := range []struct {
		name, body string
		status     int
		msg        string
	}{
		{"unknown to arXiv", `{"id": "2506.99999"}`, 404, "arXiv has no paper with the identifier 2506.99999"},
		{"too old", `{"id": "0704.0001"}`, 400, "last 14 days"},
		{"malformed id", `{"id": "not an id"}`, 400, ""},
		{"missing id", `{}`, 400, "Give the paper"},
		{"id a number", `{"id": 2506.11702}`, 400, "wrong type"},
		{"oversized", `{"id": "` + strings.Repeat("1", 70_000) + `"}`, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, MustSend(t, srv, "POST", "/api/papers/submit", bobToken, tc.body), tc.status, tc.msg)
		})
	}

	t.Run("new account", func(t *testing.T) {
		carol := MustAccount(t, db, "carol", testNow.Add(-time.Minute))
		tok, _ := MustToken(t, db, carol)
		wantError(t, MustSend(t, srv, "POST", "/api/papers/submit", tok, `{"id": "2506.11702"}`), http.StatusForbidden,
			"5 minutes after they are created; try again after 2025-06-17T12:04:00.000Z")
	})

	t.Run("without arXiv", func(t *testing.T) {
		local := newWriteServer(t, db, c, api.Options{})
		dave := MustAccount(t, db, "dave", testNow.Add(-48*time.Hour))
		tok, _ := MustToken(t, db, dave)
		wantError(t, MustSend(t, local, "POST", "/api/papers/submit", tok, `{"id": "2506.08592"}`), http.StatusServiceUnavailable,
			"not set up to fetch papers from arXiv")
		if r := MustSend(t, local, "POST", "/api/papers/submit", tok, `{"id": "2506.08592"}`); r.header.Get("Retry-After") != "" {
			t.Errorf("Retry-After = %q on a 503 that waiting does not cure", r.header.Get("Retry-After"))
		}
		// A paper in the catalogue needs no fetch: tomorrow it can go on
		// that day's list.
		c.Add(24 * time.Hour)
		r := MustSend(t, local, "POST", "/api/papers/submit", tok, `{"id": "2506.11924"}`)
		if r.status != http.StatusCreated {
			t.Errorf("submitting a catalogued paper without arXiv = %d: %s", r.status, r.body)
		}
	})
}

func TestAPISubmitRateLimit(t *testing.T) {
	db := MustOpenStore(t)
	replay := newArxivReplay(t)
	srv := newWriteServer(t, db, newClock(testNow), api.Options{ArXiv: replay.MustClient(t),
		Limits: api.Limits{Submissions: api.Rate{Limit: 2, Window: time.Hour}}})
	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	tok, _ := MustToken(t, db, alice)
	// Refused submissions count too: the limit spares arXiv as well.
	for _, id := range []string{"2506.99999", "2506.99998"} {
		wantError(t, MustSend(t, srv, "POST", "/api/papers/submit", tok, `{"id": "`+id+`"}`), 404, "")
	}
	r := MustSend(t, srv, "POST", "/api/papers/submit", tok, `{"id": "2506.11924"}`)
	wantError(t, r, http.StatusTooManyRequests, "Please try again in 60 minutes")
	if got := r.header.Get("Retry-After"); got != "3600" {
		t.Errorf("Retry-After = %q, want 3600", got)
	}
	if n := replay.requests.Load(); n != 2 {
		t.Errorf("arXiv asked %d times, want 2 (not for the refused submission)", n)
	}
}
