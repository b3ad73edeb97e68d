package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire"
)

func TestForYou(t *testing.T) {
	srv := mustCommunityFixture(t)
	anon := srv.NewBrowser(t)
	if r := anon.Get("/for-you"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("GET /for-you as a visitor: %d to %q, want the log-in page", r.status, r.header.Get("Location"))
	}

	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	r := ada.Get("/for-you")
	checkPage(t, r, http.StatusOK, "here are the most upvoted recent papers", `data-not-interested="2506.11924"`,
		`action="/for-you/interests"`, "Popular this month")
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("GET /for-you Cache-Control = %q, want private, no-store", cc)
	}

	// A signed-in reader's view of a paper is an "opened" signal; a
	// visitor's is nothing.
	anon.Get("/papers/2506.10892")
	checkPage(t, ada.Get("/papers/2506.10892"), http.StatusOK)
	a, err := srv.db.FindAccountByUsername(t.Context(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := srv.db.FindSignals(t.Context(), a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 1 || sig[0].PaperID != "2506.10892" || sig[0].Kind != quire.SignalOpened || !sig[0].At.Equal(today) {
		t.Errorf("signals after viewing a paper = %+v, want it opened at %v", sig, today)
	}

	// Cold-start choices: saved, shown back, and the feed is personal.
	r = ada.Submit("/for-you", "/for-you/interests", url.Values{"categories": {"cs.RO, cs.CV"},
		"authors": {"Ada Lovelace\r\n\r\n"}, "papers": {"https://arxiv.org/abs/2506.09366v1"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/for-you?saved=1" {
		t.Fatalf("saving interests: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page := ada.Get("/for-you?saved=1")
	checkPage(t, page, http.StatusOK, "Your choices are saved.", `value="cs.RO cs.CV"`, ">Ada Lovelace</textarea>",
		`value="2506.09366"`, "picked from what you upvoted")
	if strings.Contains(page.body, `data-not-interested="2506.09366"`) {
		t.Errorf("the feed shows the seed paper 2506.09366")
	}
	for _, tc := range []struct{ field, value, want string }{
		{"categories", "Computer Science", "is not an arXiv category"},
		{"papers", "not-an-id", "is not an arXiv id or link"},
		{"papers", "2506.99999", "is not in the catalogue"},
	} {
		r := ada.Submit("/for-you", "/for-you/interests", url.Values{tc.field: {tc.value}})
		if r.status < 400 || r.status >= 500 || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, tc.value) {
			t.Errorf("interests %s=%q: %d, want a 4xx page saying %q with the value refilled", tc.field, tc.value, r.status, tc.want)
		}
	}

	// Not interested: gone from the feed, and back with Undo.
	if r := ada.Post("/for-you/not-interested", url.Values{"paper": {"2506.11924"}}); r.status != http.StatusForbidden {
		t.Errorf("not interested without a form token: %d, want 403", r.status)
	}
	r = ada.Submit("/for-you", "/for-you/not-interested", url.Values{"paper": {"2506.11924"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/for-you?hidden=2506.11924" {
		t.Fatalf("not interested: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page = ada.Get(r.header.Get("Location"))
	checkPage(t, page, http.StatusOK, "You will not see that paper here again.", `name="undo" value="1"`)
	if strings.Contains(page.body, `data-not-interested="2506.11924"`) {
		t.Errorf("the feed still shows 2506.11924 after not interested")
	}
	r = ada.Submit("/for-you", "/for-you/not-interested", url.Values{"paper": {"2506.11924"}, "undo": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("undo: %d\n%s", r.status, r.body)
	}
	checkPage(t, ada.Get("/for-you"), http.StatusOK, `data-not-interested="2506.11924"`)
	if r := ada.Submit("/for-you", "/for-you/not-interested", url.Values{"paper": {"2506.99999"}}); r.status != http.StatusNotFound {
		t.Errorf("not interested in an unknown paper: %d, want 404", r.status)
	}
}
