package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/auth"
)

// The follow endpoints run within TestOpenAPIResponses, so that every
// answer is also checked against the document.
func init() {
	moreWrites = append(moreWrites, writeExercise{name: "follows", run: exerciseFollows})
}

// mustSecondToken makes another account with a token on f's store.
func mustSecondToken(t *testing.T, f *apiFixture, name string) string {
	t.Helper()
	acct, err := f.db.CreateAccount(t.Context(), &quire.Account{Username: name, Email: name + "@example.org",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5"})
	if err != nil {
		t.Fatal(err)
	}
	raw, hash := auth.NewAPIToken()
	if _, err := f.db.CreateAPIToken(t.Context(), &quire.APIToken{AccountID: acct.ID, Name: "t", Hash: hash, Prefix: raw[:8]}); err != nil {
		t.Fatal(err)
	}
	return raw
}

func decodeFollows(t *testing.T, a answer) []Follow {
	t.Helper()
	var fs []Follow
	if err := json.Unmarshal(a.body, &fs); err != nil {
		t.Fatalf("follows: %v in %s", err, a.body)
	}
	return fs
}

func exerciseFollows(t *testing.T, f *apiFixture, run func(call) answer, byID map[string]operation) {
	list, follow, unfollow := byID["listFollows"], byID["follow"], byID["unfollow"]
	if list.path == "" || follow.path == "" || unfollow.path == "" {
		t.Fatal("listFollows, follow or unfollow is not documented")
	}
	if got := decodeFollows(t, run(call{op: list, path: list.path, token: f.token})); len(got) != 0 {
		t.Errorf("follows before any: %+v", got)
	}
	a := run(call{op: follow, path: follow.path, token: f.token,
		body: `{"kind": "author", "name": " Ada  Lovelace ", "coAuthor": "Charles Babbage", "category": "MATH.ho", "digest": true}`})
	var ada Follow
	if err := json.Unmarshal(a.body, &ada); err != nil {
		t.Fatal(err)
	}
	want := Follow{ID: ada.ID, Kind: "author", Name: "Ada Lovelace", CoAuthor: "Charles Babbage", Category: "math.HO", Digest: true,
		Title: "Ada Lovelace (with Charles Babbage, in math.HO)", CreatedAt: ada.CreatedAt}
	if diff := cmp.Diff(want, ada); diff != "" || ada.ID == 0 || ada.CreatedAt.IsZero() {
		t.Errorf("follow mismatch (-want +got):\n%s", diff)
	}
	// Again, in other case, without the digest: the same follow.
	a = run(call{op: follow, path: follow.path, token: f.token,
		body: `{"kind": "author", "name": "ada lovelace", "coAuthor": "charles babbage", "category": "math.HO"}`})
	var again Follow
	if err := json.Unmarshal(a.body, &again); err != nil || again.ID != ada.ID || again.Digest {
		t.Errorf("follow again = %s (%v), want follow %d without digest", a.body, err, ada.ID)
	}
	run(call{op: follow, path: follow.path, token: f.token, body: `{"kind": "category", "name": "cs.CL"}`})
	a = run(call{op: follow, path: follow.path, token: f.token, body: `{"kind": "organization", "name": " google "}`})
	var google Follow
	if err := json.Unmarshal(a.body, &google); err != nil || google.Kind != "organization" || google.Name != "google" || google.Title != "google" {
		t.Errorf("follow organization = %s (%v), want google", a.body, err)
	}
	for _, body := range []string{
		`{"kind": "institution", "name": "Google"}`,
		`{"kind": "organization", "name": "google research"}`,
		`{"kind": "organization", "name": "google", "category": "cs"}`,
		`{"kind": "category", "name": "not a category"}`,
		`{"kind": "author", "name": ""}`,
		`{"kind": "author", "name": "Ada", "coAuthor": "ADA"}`,
		`{"kind": "author", "name": "Ada", "affiliation": "Cambridge"}`,
		`{"kind": "author", "name": 3}`,
	} {
		run(call{op: follow, path: follow.path, token: f.token, body: body, wantStatus: http.StatusBadRequest})
	}
	run(call{op: follow, path: follow.path, body: `{"kind": "category", "name": "cs"}`, wantStatus: http.StatusUnauthorized})
	run(call{op: list, path: list.path, wantStatus: http.StatusUnauthorized})

	got := decodeFollows(t, run(call{op: list, path: list.path, token: f.token}))
	if len(got) != 3 || got[0].ID != ada.ID || got[1].Name != "cs.CL" || got[2].ID != google.ID {
		t.Errorf("follows = %+v, want Ada Lovelace's, then cs.CL, then google", got)
	}
	// Another account neither sees nor removes them.
	other := mustSecondToken(t, f, "other")
	if got := decodeFollows(t, run(call{op: list, path: list.path, token: other})); len(got) != 0 {
		t.Errorf("another account's follows = %+v, want none", got)
	}
	adaPath := fmt.Sprintf("/api/follows/%d", ada.ID)
	run(call{op: unfollow, path: adaPath, token: other, wantStatus: http.StatusNotFound})
	left := decodeFollows(t, run(call{op: unfollow, path: adaPath, token: f.token}))
	if len(left) != 2 || left[0].Name != "cs.CL" || left[1].Name != "google" {
		t.Errorf("follows left = %+v, want cs.CL and google", left)
	}
	run(call{op: unfollow, path: adaPath, token: f.token, wantStatus: http.StatusNotFound})
	run(call{op: unfollow, path: "/api/follows/abc", token: f.token, wantStatus: http.StatusNotFound})
	run(call{op: unfollow, path: adaPath, wantStatus: http.StatusUnauthorized})
}
