package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"quire"
	"quire/internal/auth"
)

// The served API submits with the server's arXiv client and the configured
// rules: a paper missing from the catalogue is fetched and listed.
func TestAPISubmitFetchesFromArxiv(t *testing.T) {
	feed, err := os.ReadFile("testdata/arxiv/one_entry_2025.xml")
	if err != nil {
		t.Fatal(err)
	}
	requests := 0
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(feed)
	}))
	t.Cleanup(arxivSrv.Close)
	cfg := testConfig(t)
	cfg.ArxivAPIURL = arxivSrv.URL
	cfg.NewAccountDelay = 0
	cfg.SubmitMaxAge = 100 * 365 * 24 * time.Hour // the recorded paper is from June 2025
	srv := MustStartServer(t, cfg)

	ctx := t.Context()
	a, err := srv.DB.CreateAccount(ctx, &quire.Account{Username: "ada", Email: "ada@example.org",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", Role: quire.RoleMember, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	raw, hash := auth.NewAPIToken()
	if _, err := srv.DB.CreateAPIToken(ctx, &quire.APIToken{AccountID: a.ID, Name: "test", Hash: hash, Prefix: raw[:10], CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL()+"/api/papers/submit", bytes.NewBufferString(`{"id": "https://arxiv.org/abs/2506.11924"}`))
	req.Header.Set("Authorization", "Bearer "+raw)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST /api/papers/submit: status %d", res.StatusCode)
	}
	if requests != 1 {
		t.Errorf("arXiv was asked %d times, want once", requests)
	}
	if _, err := srv.DB.FindPaperByID(ctx, "2506.11924"); err != nil {
		t.Errorf("the submitted paper is not in the catalogue: %v", err)
	}
	entries, err := srv.DB.FindDailyEntriesByPaper(ctx, "2506.11924")
	if err != nil || len(entries) != 1 || entries[0].Submitter.Name != "ada" {
		t.Errorf("daily entries of the submitted paper = %+v, %v; want one submitted by ada", entries, err)
	}
}
