package api_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quire"
	"quire/internal/api"
	"quire/internal/arxiv"
	"quire/internal/auth"
	"quire/internal/store/sqlite"
)

// clock is a settable time for Options.Now, so that rate-limit windows,
// account ages and the trending window do not depend on when tests run.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newWriteServer serves the API from db with opts, its clock set to c.
func newWriteServer(tb testing.TB, db *sqlite.DB, c *clock, opts api.Options) *httptest.Server {
	tb.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Now = c.Now
	srv := httptest.NewServer(api.New(db, opts))
	tb.Cleanup(srv.Close)
	return srv
}

// MustAccount creates an account created at createdAt and returns it.
func MustAccount(tb testing.TB, db *sqlite.DB, name string, createdAt time.Time) *quire.Account {
	tb.Helper()
	a, err := db.CreateAccount(tb.Context(), &quire.Account{
		Username: name, Email: name + "@example.org", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", CreatedAt: createdAt,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// MustToken creates an API token for the account and returns its text.
func MustToken(tb testing.TB, db *sqlite.DB, a *quire.Account) (raw string, id int64) {
	tb.Helper()
	raw, hash := auth.NewAPIToken()
	tok, err := db.CreateAPIToken(tb.Context(), &quire.APIToken{AccountID: a.ID, Name: "test", Hash: hash, Prefix: raw[:8]})
	if err != nil {
		tb.Fatal(err)
	}
	return raw, tok.ID
}

// MustSend sends a request with an optional bearer token and JSON body
// ("" sends none).
func MustSend(tb testing.TB, srv *httptest.Server, method, path, token, body string) response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(tb.Context(), method, srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// wantError checks that r is an error envelope with status and, when msg
// is not empty, a message containing it.
func wantError(tb testing.TB, r response, status int, msg string) {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	var body map[string]string
	MustDecode(tb, r, &body)
	if body["error"] == "" || len(body) != 1 || !strings.Contains(body["error"], msg) {
		tb.Errorf("body = %s, want {\"error\": ...%q...}", r.body, msg)
	}
}

// arxivReplay is an arXiv API that answers from recorded responses: the
// file holding the one paper a request asks for, or an empty feed.
type arxivReplay struct {
	*httptest.Server
	requests atomic.Int64
}

// replayFiles maps paper ids to the recorded response that holds them.
var replayFiles = map[string]string{
	"2506.11702": "one_entry.xml",
	"2506.11924": "one_entry_2025.xml",
	"0704.0001":  "multi_entry.xml",
}

func newArxivReplay(tb testing.TB) *arxivReplay {
	tb.Helper()
	a := &arxivReplay{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.requests.Add(1)
		name := replayFiles[r.URL.Query().Get("id_list")]
		if name == "" {
			name = "empty.xml"
		}
		body, err := os.ReadFile(filepath.Join("testdata", "arxiv", name))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		io.Copy(w, bytes.NewReader(body))
	}))
	tb.Cleanup(a.Close)
	return a
}

// MustClient returns an API client of the replay that does not wait
// between requests or retry.
func (a *arxivReplay) MustClient(tb testing.TB) *arxiv.APIClient {
	tb.Helper()
	c, err := arxiv.NewAPIClient(arxiv.APIOptions{BaseURL: a.URL, MinInterval: time.Millisecond, MaxAttempts: 1})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
