package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"quire"
	"quire/internal/auth"
	"quire/internal/cli"
	"quire/internal/config"
)

const testPassword = "load test password"

// MustStartQuire runs `quire serve` in process on a fresh SQLite file with
// the demo catalogue and n accounts load0001..., trusting loopback as its
// proxy as bench/cluster.sh starts the nodes, until the test ends. It
// returns the base URL once searches answer.
func MustStartQuire(t *testing.T, n int) string {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DB = filepath.Join(t.TempDir(), "quire.db")
	cfg.IndexPath = filepath.Join(t.TempDir(), "search.idx")
	cfg.ArxivSets = nil
	cfg.Embedder = "none"
	cfg.NewAccountDelay = 0
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	srv, err := cli.NewServer(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		a, err := srv.DB.CreateAccount(t.Context(), &quire.Account{Username: accountName("load", i),
			Email: accountName("load", i) + "@example.com", PasswordHash: hash, Role: quire.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.DB.SetEmailVerified(t.Context(), a.ID, a.CreatedAt); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Listen(); err != nil {
		srv.Close()
		t.Fatalf("Listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		srv.Close()
	})
	base := srv.URL()
	for range 300 {
		resp, err := http.Get(base + "/api/papers/search?q=language+models")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("searches did not answer")
	return ""
}

// MustWriteQueries writes a query set as bench/gen1m does.
func MustWriteQueries(t *testing.T, qs ...string) string {
	t.Helper()
	var b bytes.Buffer
	for _, q := range qs {
		json.NewEncoder(&b).Encode(map[string]string{"q": q})
	}
	path := filepath.Join(t.TempDir(), "queries.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadAndAudit(t *testing.T) {
	base := MustStartQuire(t, 3)
	b, err := NewBalancer([]string{base}, 4, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	setup := &Setup{B: b, Prefix: "load", Accounts: 3, Password: testPassword, NQueries: 10, ReadQueries: 3, WritePapers: 20, Workers: 2,
		Queries: MustWriteQueries(t, "language models", "diffusion", "reinforcement learning", "vision transformer")}
	st, err := setup.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Accounts) != 3 || !strings.HasPrefix(st.Accounts[0].Token, "qk_") || len(st.WritePapers) == 0 || len(st.Queries) != 4 ||
		!strings.HasPrefix(st.Daily, "/api/daily_papers?date=") {
		t.Fatalf("setup: %+v", st)
	}

	l := &Load{B: b, State: st, Mix: Mix{Search: 0.1, Vote: 0.1, Comment: 0.05}, RunID: "LGTEST", Concurrency: 4, Requests: 300, Seed: 1}
	ss, log, err := l.Run()
	if err != nil {
		t.Fatal(err)
	}
	sum := Summarize(ss, 0, time.Hour)
	if sum.Requests != 300 || sum.Server5xx != 0 || sum.Failed != 0 || sum.P99Ms <= 0 {
		t.Errorf("summary %+v", sum)
	}
	for _, k := range []string{kindDay, kindPage, kindDaily, kindAPIPaper, kindSearch, kindVote, kindComment} {
		if sum.ByKind[k] == 0 {
			t.Errorf("no %s request among %v", k, sum.ByKind)
		}
	}
	acked := map[string]int{}
	for _, w := range log.Writes {
		if w.Acked {
			acked[w.Kind]++
		}
	}
	if acked[kindVote] == 0 || acked[kindComment] == 0 {
		t.Fatalf("acknowledged writes %v of %d", acked, len(log.Writes))
	}

	audit := func(log *WriteLog) *AuditResult {
		t.Helper()
		r, err := (&Audit{B: b, State: st, Log: log, Password: testPassword, Workers: 2}).Run()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := audit(log)
	if !r.OK() || r.Acked[kindVote] != acked[kindVote] || r.Acked[kindComment] != acked[kindComment] {
		t.Errorf("audit of the run: %+v", r)
	}

	// A write acknowledged but never made is lost; one stored twice is a
	// duplicate; a vote the count does not show is a mismatch.
	var vote, comment Write
	for _, w := range log.Writes {
		if w.Acked && w.Kind == kindVote {
			vote = w
		}
		if w.Acked && w.Kind == kindComment {
			comment = w
		}
	}
	triedBy2 := map[string]bool{}
	for _, w := range log.Writes {
		if w.Kind == kindVote && w.Account == "load0002" {
			triedBy2[w.Paper] = true
		}
	}
	unvoted := ""
	for _, p := range st.WritePapers {
		if !triedBy2[p] {
			unvoted = p
		}
	}
	if unvoted == "" {
		t.Fatal("load0002 tried every paper")
	}
	tampered := *log
	tampered.Writes = append(append([]Write{}, log.Writes...),
		Write{Kind: kindComment, Account: "load0001", Paper: comment.Paper, Marker: "LGTEST-c999999", Status: 201, Acked: true},
		Write{Kind: kindVote, Account: "load0002", Paper: unvoted, Status: 200, Acked: true})
	tampered.Upvotes = map[string]int{vote.Paper: log.Upvotes[vote.Paper] - 1}
	var tok string
	for _, a := range st.Accounts {
		if a.Username == comment.Account {
			tok = a.Token
		}
	}
	body, _ := json.Marshal(map[string]string{"body": "Again: " + comment.Marker})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/papers/"+comment.Paper+"/comments", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("posting a comment again: %v %v", resp, err)
	}
	resp.Body.Close()
	r = audit(&tampered)
	if len(r.Lost) != 2 || len(r.Duplicated) != 1 || len(r.CountMismatch) != 1 || r.OK() {
		t.Errorf("audit of the tampered log: lost %q, duplicated %q, mismatches %q", r.Lost, r.Duplicated, r.CountMismatch)
	}
}

func TestBalancerSkipsDownNode(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "up") }))
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	b, err := NewBalancer([]string{down, srv.URL}, 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	retries := 0
	for range 10 {
		resp, err := b.Do(func(base string) (*http.Request, error) { return http.NewRequest(http.MethodPost, base+"/x", nil) })
		if err != nil || resp.Status != 200 || string(resp.Body) != "up" {
			t.Fatalf("Do: %+v, %v", resp, err)
		}
		retries += resp.Retries
	}
	// The refused node is tried once, then left out for DownFor.
	if retries != 1 {
		t.Errorf("%d retries, want 1", retries)
	}

	// A node whose health check fails gets no requests once watched.
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "sick")
	}))
	t.Cleanup(sick.Close)
	b, err = NewBalancer([]string{sick.URL, srv.URL}, 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	b.Watch("/healthz", 10*time.Millisecond, stop)
	for !b.unhealthy[0].Load() {
		time.Sleep(time.Millisecond)
	}
	for range 4 {
		resp, err := b.Do(func(base string) (*http.Request, error) { return http.NewRequest(http.MethodGet, base+"/x", nil) })
		if err != nil || string(resp.Body) != "up" {
			t.Fatalf("Do with a sick node: %+v, %v", resp, err)
		}
	}
	if _, err := NewBalancer([]string{"127.0.0.1:80"}, 1, time.Second); err == nil {
		t.Error("no error for a base URL without a scheme")
	}
}

func TestRecover(t *testing.T) {
	// 100 answers a second, none in seconds 12-13, 50 in 14, then 100.
	var ss []Sample
	for sec := range 25 {
		n := 100
		switch {
		case sec == 12 || sec == 13:
			n = 0
		case sec == 14:
			n = 50
		}
		for i := range n {
			ss = append(ss, Sample{At: time.Duration(sec)*time.Second + time.Duration(i)*time.Millisecond, Latency: time.Millisecond, Status: 200, Kind: kindDay})
		}
		if sec == 12 {
			ss = append(ss, Sample{At: 12*time.Second + 500*time.Millisecond, Status: 503, Kind: kindDay, Latency: time.Millisecond})
		}
	}
	rs := Recover(ss, []Fault{{Name: "kill", Start: 12*time.Second + 200*time.Millisecond, End: 13 * time.Second}})
	got := rs[0]
	if diff := cmp.Diff(Recovery{Baseline: 100, Lowest: 0, Seconds: 2, WindowEnd: 16 * time.Second}, got,
		cmpopts.IgnoreFields(Recovery{}, "Fault", "Inside")); diff != "" {
		t.Errorf("Recover mismatch (-want +got):\n%s", diff)
	}
	if got.Inside.Server5xx != 1 || got.Inside.OK != 150 {
		t.Errorf("inside the window: %+v", got.Inside)
	}
	out := Outside(ss, rs, 5*time.Second)
	if s := Summarize(out, 0, time.Hour); s.Server5xx != 0 || s.Requests != 100*(12-5)+100*(24-16+1) {
		t.Errorf("outside the windows: %+v", s)
	}

	// A fault the run never recovers from.
	rs = Recover(ss[:len(ss)-100*10], []Fault{{Name: "kill", Start: 12 * time.Second, End: 13 * time.Second}})
	if rs[0].Seconds != -1 {
		t.Errorf("recovery %v, want -1", rs[0].Seconds)
	}
}

func TestPageVote(t *testing.T) {
	card := `<div class="votes"><a class="vote-button voted" href="/x">▲</a></div>`
	for _, tc := range []struct {
		name, page string
		want       bool
		wantErr    bool
	}{
		{"pressed", `<div class="paper-vote"><form class="vote votes" action="/papers/1/vote"><button class="vote-button voted">▲</button></form></div>`, true, false},
		{"not pressed, a similar paper's is", `<div class="paper-vote"><form><button class="vote-button">▲</button></form></div>` + card, false, false},
		{"signed out", `<div class="paper-vote"><div class="votes"><a class="vote-button" href="/login">▲</a></div></div>`, false, true},
		{"no vote block", card, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pageVote([]byte(tc.page))
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("pageVote = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestReadWriteSamples(t *testing.T) {
	want := []Sample{
		{At: 5 * time.Millisecond, Latency: 1500 * time.Microsecond, Status: 200, Kind: kindSearch},
		{At: 2 * time.Millisecond, Latency: 2 * time.Millisecond, Status: 0, Kind: kindVote},
	}
	path := filepath.Join(t.TempDir(), "samples.txt")
	var b bytes.Buffer
	if err := WriteSamples(&b, want); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b.Bytes(), 0o644)
	got, err := ReadSamples(path)
	if err != nil {
		t.Fatal(err)
	}
	// Read back in order of time.
	if diff := cmp.Diff([]Sample{want[1], want[0]}, got); diff != "" {
		t.Errorf("ReadSamples mismatch (-want +got):\n%s", diff)
	}
	os.WriteFile(path, []byte("1 2 x day\n"), 0o644)
	if _, err := ReadSamples(path); err == nil {
		t.Error("no error for a malformed line")
	}
}

func TestParseMix(t *testing.T) {
	if m, err := parseMix("0.08,0.012,0.006,0.002"); err != nil || m != DefaultMix {
		t.Errorf("parseMix = %+v, %v", m, err)
	}
	for _, bad := range []string{"", "0.5,0.5,0.5,0", "-1,0,0,0", "a,b,c,d"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q): no error", bad)
		}
	}
}
