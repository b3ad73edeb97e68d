package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/auth"
	"quire/internal/config"
	"quire/internal/store/postgres"
	"quire/internal/testenv"
)

// Two `quire serve` nodes on one PostgreSQL database, as behind a load
// balancer: whatever one node writes, the other sees, because nothing a
// request needs lives in a node. The other multi-node tests are
// TestSyncSchedulersPostgres (one harvest at a time, by lease) and
// TestDigestCrash's "postgres two nodes" (every digest sent once while two
// senders run and one is killed).

// freshness is how soon a paper written through one node must be found by
// a search on another.
const freshness = 2 * time.Second

// submittedPaper is the paper of testdata/arxiv/one_entry_2025.xml, and a
// query that finds it.
const (
	submittedPaper = "2506.11924"
	submittedQuery = "aligned novel view image geometry synthesis cross-modal attention instillation"
)

// cluster is two nodes sharing a database.
type cluster struct {
	a, b *Server
	dsn  string
}

// nodeConfig is the configuration of one node of a cluster on dsn: the
// secret that every node shares, an index snapshot of its own, and arXiv
// replayed from testdata.
func nodeConfig(t *testing.T, dsn, arxivURL string) *config.Config {
	cfg := testConfig(t)
	cfg.DB = dsn
	cfg.IndexPath = filepath.Join(t.TempDir(), "search.idx")
	cfg.Secret = strings.Repeat("0123456789abcdef", 4)
	cfg.ArxivAPIURL = arxivURL
	cfg.SubmitMaxAge = 100 * 365 * 24 * time.Hour // the recorded paper is from June 2025
	return cfg
}

// MustStartCluster starts two nodes on a new PostgreSQL database, one
// after the other (the first migrates it), and waits until both are ready.
func MustStartCluster(t *testing.T) *cluster {
	t.Helper()
	dsn := testenv.PostgresURL(t)
	arxivURL := replayArxiv(t)
	c := &cluster{dsn: dsn}
	c.a = MustStartNode(t, nodeConfig(t, dsn, arxivURL))
	c.b = MustStartNode(t, nodeConfig(t, dsn, arxivURL))
	for _, n := range []*Server{c.a, c.b} {
		mustBeReady(t, n)
	}
	return c
}

// MustStartNode runs a Server as MustStartServer does, except that its
// search engine polls the change feed only hourly: within a test, only the
// database's announcements of changes can keep it current.
func MustStartNode(t *testing.T, cfg *config.Config) *Server {
	t.Helper()
	return mustStartServerWith(t, cfg, func(srv *Server) { srv.search.poll = time.Hour })
}

// replayArxiv serves the recorded arXiv API answer for submittedPaper.
func replayArxiv(t *testing.T) string {
	t.Helper()
	feed, err := os.ReadFile("testdata/arxiv/one_entry_2025.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// mustBeReady waits until n's readiness probe answers ok.
func mustBeReady(t *testing.T, n *Server) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		res, body := get(t, n.URL()+"/healthz")
		if res.StatusCode == http.StatusOK && body == "ok\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /healthz = %d %q after a minute; want 200 ok", res.StatusCode, body)
		}
	}
}

// member is an account with an API token.
type member struct {
	account *quire.Account
	token   string
}

// MustMember creates an account old enough to vote, with an API token.
func MustMember(t *testing.T, n *Server, name string) member {
	t.Helper()
	ctx := t.Context()
	a, err := n.DB.CreateAccount(ctx, &quire.Account{Username: name, Email: name + "@example.org",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", Role: quire.RoleMember,
		CreatedAt: time.Now().Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	raw, hash := auth.NewAPIToken()
	if _, err := n.DB.CreateAPIToken(ctx, &quire.APIToken{AccountID: a.ID, Name: "test", Hash: hash, Prefix: raw[:10], CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return member{account: a, token: raw}
}

// request makes an API request with m's token and returns the status and
// body; it may run on any goroutine.
func (m member) request(ctx context.Context, n *Server, method, path, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, n.URL()+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// send is request on the test's goroutine, failing the test on an error.
func (m member) send(t *testing.T, n *Server, method, path, body string) (int, string) {
	t.Helper()
	status, b, err := m.request(t.Context(), n, method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status, b
}

// MustSubmit submits submittedPaper through n, which fetches it from the
// replayed arXiv and lists it.
func (m member) MustSubmit(t *testing.T, n *Server) {
	t.Helper()
	status, body := m.send(t, n, "POST", "/api/papers/submit", `{"id": "`+submittedPaper+`"}`)
	if status/100 != 2 {
		t.Fatalf("POST /api/papers/submit = %d %s", status, body)
	}
}

// searchFinds reports whether a lexical search on the node at base for
// query lists id.
func searchFinds(t *testing.T, base, query, id string) bool {
	t.Helper()
	res, body := get(t, base+"/api/papers/search?mode=lexical&q="+url.QueryEscape(query))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("search %q: status %d %s", query, res.StatusCode, body)
	}
	var results []struct {
		Paper struct{ ID string } `json:"paper"`
	}
	if err := json.Unmarshal([]byte(body), &results); err != nil {
		t.Fatalf("search %q: %v\n%s", query, err, body)
	}
	return slices.ContainsFunc(results, func(r struct {
		Paper struct{ ID string } `json:"paper"`
	}) bool {
		return r.Paper.ID == id
	})
}

// foundWithin polls a search on n until it lists id or freshness has
// passed since the write that made it.
func foundWithin(t *testing.T, n *Server, query, id string, written time.Time) bool {
	t.Helper()
	for {
		if searchFinds(t, n.URL(), query, id) {
			return true
		}
		if time.Since(written) > freshness {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClusterIndexFreshness: a paper imported through node A is found by a
// search on node B within two seconds, although B polls the change feed
// only hourly: PostgreSQL tells it. When the listening connections are
// cut, the nodes listen again and catch up with what they were not told,
// and follow as promptly as before.
func TestClusterIndexFreshness(t *testing.T) {
	c := MustStartCluster(t)
	ada := MustMember(t, c.a, "ada")
	if searchFinds(t, c.b.URL(), submittedQuery, submittedPaper) {
		t.Fatalf("node B finds %s before it was submitted: the test proves nothing", submittedPaper)
	}
	ada.MustSubmit(t, c.a)
	if !foundWithin(t, c.b, submittedQuery, submittedPaper, time.Now()) {
		t.Errorf("a paper submitted through node A is not found on node B within %s", freshness)
	}

	cut := cutListeners(t, c.dsn)
	if len(cut) != 2 {
		t.Fatalf("cut %d listening connections, want one per node", len(cut))
	}
	// Written while nobody listens (unless a node is quick to listen
	// again): found once B listens again.
	unheard := mustWritePaper(t, c.a, "2601.99998", "Axolotl limb regrowth", "We chart the axolotlomics blastemaome.")
	waitListeners(t, c.dsn, cut, 2)
	if !foundWithin(t, c.b, "axolotlomics blastemaome", unheard.ID, time.Now()) {
		t.Errorf("node B does not catch up with a paper written while it did not listen")
	}
	heard := mustWritePaper(t, c.a, "2601.99999", "Zebrafish fin regeneration atlas", "We map the zebrafishomics regenerome.")
	if !foundWithin(t, c.b, "zebrafishomics regenerome", heard.ID, time.Now()) {
		t.Errorf("after listening again, node B does not find a paper written through node A within %s", freshness)
	}
}

// mustWritePaper stores a paper through n's store, as an import on n does.
func mustWritePaper(t *testing.T, n *Server, id, title, abstract string) *quire.Paper {
	t.Helper()
	p := &quire.Paper{ID: id, Title: title, Abstract: abstract, Authors: []string{"A. Fish"},
		PublishedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Categories: []string{"q-bio.TO"}}
	if _, err := n.DB.UpsertPapers(t.Context(), []*quire.Paper{p}); err != nil {
		t.Fatal(err)
	}
	return p
}

// listenerPIDs returns the server processes of the nodes' listening
// connections.
func listenerPIDs(t *testing.T, conn *pgx.Conn) []int32 {
	t.Helper()
	rows, err := conn.Query(t.Context(), `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1 ORDER BY pid`, postgres.ListenAppName)
	if err != nil {
		t.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

func mustConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// cutListeners ends the listening connections and returns their processes.
func cutListeners(t *testing.T, dsn string) []int32 {
	t.Helper()
	conn := mustConnect(t, dsn)
	pids := listenerPIDs(t, conn)
	for _, pid := range pids {
		if _, err := conn.Exec(t.Context(), `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
	}
	return pids
}

// waitListeners waits until n listening connections exist, none of them
// among old.
func waitListeners(t *testing.T, dsn string, old []int32, n int) {
	t.Helper()
	conn := mustConnect(t, dsn)
	deadline := time.Now().Add(30 * time.Second)
	for {
		pids := listenerPIDs(t, conn)
		fresh := slices.DeleteFunc(slices.Clone(pids), func(p int32) bool { return slices.Contains(old, p) })
		if len(fresh) == n && len(pids) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("listening connections %v after 30 s (cut: %v); want %d new ones", pids, old, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClusterVotes: members vote at once, some through each node and each
// again through the other node, and some withdraw through the other node;
// the count is exact, and both nodes report it.
func TestClusterVotes(t *testing.T) {
	const members, withdrawing = 24, 6
	c := MustStartCluster(t)
	nodes := []*Server{c.a, c.b}
	ms := make([]member, members)
	for i := range ms {
		ms[i] = MustMember(t, c.a, fmt.Sprintf("member%02d", i))
	}
	ms[0].MustSubmit(t, c.a)
	path := "/api/papers/" + submittedPaper + "/upvote"

	type answer struct {
		who, status int
		body        string
		err         error
	}
	answers := make(chan answer, 3*members)
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Go(func() {
			vote := func(n *Server, method string) {
				status, body, err := m.request(t.Context(), n, method, path, "")
				answers <- answer{i, status, body, err}
			}
			here, there := nodes[i%2], nodes[(i+1)%2]
			vote(here, "POST")
			// A second vote, through the other node, changes nothing.
			vote(there, "POST")
			if i < withdrawing {
				vote(there, "DELETE")
			}
		})
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		if a.err != nil || a.status != http.StatusOK {
			t.Errorf("member%02d: vote answered %d %s (%v)", a.who, a.status, a.body, a.err)
		}
	}

	want := members - withdrawing
	for i, n := range nodes {
		res, body := get(t, n.URL()+"/api/papers/"+submittedPaper)
		var p struct{ Upvotes int }
		if err := json.Unmarshal([]byte(body), &p); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("node %c: GET /api/papers/%s = %d %s (%v)", 'A'+i, submittedPaper, res.StatusCode, body, err)
		}
		if p.Upvotes != want {
			t.Errorf("node %c reports %d upvotes, want %d", 'A'+i, p.Upvotes, want)
		}
	}
}

// browser is a visitor with cookies of its own that does not follow
// redirects.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request, with cookie when not nil, and returns the status and
// body.
func (b *browser) do(method, u string, form url.Values, cookie *http.Cookie) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res.StatusCode, string(data)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token returns the form token of the page at u.
func (b *browser) token(u string, cookie *http.Cookie) string {
	b.t.Helper()
	status, body := b.do("GET", u, nil, cookie)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("GET %s: no form token on the page (status %d)", u, status)
	}
	return m[1]
}

// logIn posts the log-in form of node n and returns the answer's status.
func (b *browser) logIn(n *Server, user, password string) int {
	b.t.Helper()
	form := url.Values{"username": {user}, "password": {password}, "csrf_token": {b.token(n.URL()+"/login", nil)}}
	status, _ := b.do("POST", n.URL()+"/login", form, nil)
	return status
}

// sessionCookie returns b's session cookie from n, or nil.
func (b *browser) sessionCookie(n *Server) *http.Cookie {
	u, _ := url.Parse(n.URL())
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "quire_session" {
			return c
		}
	}
	return nil
}

// MustPasswordAccount creates an account with a password that logs in.
func MustPasswordAccount(t *testing.T, n *Server, name, password string) {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.DB.CreateAccount(t.Context(), &quire.Account{Username: name, Email: name + "@example.org",
		PasswordHash: hash, Role: quire.RoleMember, CreatedAt: time.Now().Add(-30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// TestClusterSessions: a session made by logging in on node A is valid on
// node B, which accepts its forms, and logging out on B ends it on A too.
func TestClusterSessions(t *testing.T) {
	c := MustStartCluster(t)
	const password = "correct horse battery"
	MustPasswordAccount(t, c.a, "grace", password)
	onA := newBrowser(t)
	if status := onA.logIn(c.a, "grace", password); status != http.StatusSeeOther {
		t.Fatalf("log-in on node A: status %d, want 303", status)
	}
	session := onA.sessionCookie(c.a)
	if session == nil {
		t.Fatal("log-in on node A set no session cookie")
	}

	// A browser of its own on node B, holding only the session cookie.
	onB := newBrowser(t)
	if status, body := onB.do("GET", c.b.URL()+"/account", nil, session); status != http.StatusOK || !strings.Contains(body, "grace") {
		t.Errorf("GET /account on node B with node A's session: status %d, want 200 naming grace", status)
	}
	if status, _ := onB.do("GET", c.b.URL()+"/account", nil, nil); status != http.StatusSeeOther {
		t.Errorf("GET /account on node B without a session: status %d, want 303 to the log-in page", status)
	}
	form := url.Values{"csrf_token": {onB.token(c.b.URL()+"/account", session)}}
	if status, _ := onB.do("POST", c.b.URL()+"/logout", form, session); status != http.StatusSeeOther {
		t.Fatalf("log-out on node B: status %d, want 303", status)
	}
	if status, _ := onA.do("GET", c.a.URL()+"/account", nil, session); status != http.StatusSeeOther {
		t.Errorf("GET /account on node A after logging out on node B: status %d, want 303 to the log-in page", status)
	}
}

// loginUserLimit is how many log-in attempts one account name may have in
// a window of loginUserWindow (the "login-user" limit of internal/web).
const (
	loginUserLimit  = 10
	loginUserWindow = 15 * time.Minute
)

// TestClusterLoginRateLimit: log-in attempts for one account, split
// between the nodes, are counted together: the attempt after the limit is
// refused although neither node alone has seen that many.
func TestClusterLoginRateLimit(t *testing.T) {
	c := MustStartCluster(t)
	nodes := []*Server{c.a, c.b}
	MustPasswordAccount(t, c.a, "linus", "correct horse battery")
	// Windows are fixed and aligned on the clock: a run that straddled two
	// would start counting afresh, so one close to a window's end waits
	// for the next window.
	if left := time.Until(time.Now().Truncate(loginUserWindow).Add(loginUserWindow)); left < 2*time.Minute {
		t.Logf("waiting %s for a fresh rate-limit window", left.Round(time.Second))
		time.Sleep(left + time.Second)
	}
	start := time.Now()
	b := newBrowser(t)
	var statuses []int
	for i := range loginUserLimit + 2 {
		statuses = append(statuses, b.logIn(nodes[i%2], "linus", "wrong password"))
	}
	if start.Truncate(loginUserWindow) != time.Now().Truncate(loginUserWindow) {
		t.Fatalf("the attempts took %s and straddled two rate-limit windows", time.Since(start))
	}
	want := slices.Repeat([]int{http.StatusUnauthorized}, loginUserLimit)
	want = append(want, http.StatusTooManyRequests, http.StatusTooManyRequests)
	if !slices.Equal(statuses, want) {
		t.Errorf("log-in attempts for one account alternating between the nodes answered %v, want %v", statuses, want)
	}
}

// TestClusterNodeJoins: a node that joins a serving cluster answers its
// readiness probe "not ready" until its search index is complete, is alive
// meanwhile, and then finds what the other node wrote before it joined.
func TestClusterNodeJoins(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	arxivURL := replayArxiv(t)
	// No snapshots are shared: the joining node builds its index from the
	// database (TestClusterNodeJoinsFromSharedSnapshot shares them).
	unshared := func() *config.Config {
		cfg := nodeConfig(t, dsn, arxivURL)
		cfg.SnapshotShare = 0
		return cfg
	}
	a := MustStartNode(t, unshared())
	mustBeReady(t, a)
	MustMember(t, a, "ada").MustSubmit(t, a)

	// The joining node, before its index is built: its handler alone.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := NewServer(t.Context(), unshared(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ts := httptest.NewServer(b.http.Handler)
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/healthz", "not ready: the search index is loading\n", http.StatusServiceUnavailable},
		{"/healthz?live", "ok\n", http.StatusOK},
	} {
		res, body := get(t, ts.URL+tc.path)
		if res.StatusCode != tc.status || body != tc.want {
			t.Errorf("GET %s while the index loads = %d %q, want %d %q", tc.path, res.StatusCode, body, tc.status, tc.want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	b.search.start(ctx, b.cfg, b.DB, logger)
	t.Cleanup(func() {
		cancel()
		<-b.search.done
	})
	res, body := get(t, ts.URL+"/healthz")
	for res.StatusCode != http.StatusOK {
		if res.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(body, "not ready") {
			t.Fatalf("GET /healthz while the index builds = %d %q, want 503 not ready", res.StatusCode, body)
		}
		res, body = get(t, ts.URL+"/healthz")
	}
	if body != "ok\n" {
		t.Errorf("GET /healthz once ready = %q, want ok", body)
	}
	if !searchFinds(t, ts.URL, submittedQuery, submittedPaper) {
		t.Errorf("the joined node does not find %s, written before it joined", submittedPaper)
	}
}

// TestClusterNodeJoinsFromSharedSnapshot starts a node on a cluster whose
// first node has shared its index snapshot through the database: the new
// node fetches it instead of building the index, and then applies what
// changed since from the change feed.
func TestClusterNodeJoinsFromSharedSnapshot(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	arxivURL := replayArxiv(t)
	a := MustStartNode(t, nodeConfig(t, dsn, arxivURL))
	mustBeReady(t, a)
	shared := waitSharedSnapshot(t, a)
	// Written after the snapshot: the new node must catch up on it.
	MustMember(t, a, "ada").MustSubmit(t, a)

	var log testenv.LogBuffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	cfg := nodeConfig(t, dsn, arxivURL)
	b, err := NewServer(t.Context(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ts := httptest.NewServer(b.http.Handler)
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithCancel(context.Background())
	b.search.start(ctx, b.cfg, b.DB, logger)
	t.Cleanup(func() {
		cancel()
		<-b.search.done
	})
	if !b.search.WaitReady(t.Context()) {
		t.Fatalf("the joining node's index is not ready; log:\n%s", log.String())
	}
	out := log.String()
	if !strings.Contains(out, "fetched the shared index snapshot") || strings.Contains(out, "building the index from the database") {
		t.Errorf("the joining node did not start from the shared snapshot; log:\n%s", out)
	}
	if fi, err := os.Stat(cfg.SearchSnapshot()); err != nil || fi.Size() != shared.Size {
		t.Errorf("the fetched snapshot file: %v, %v; want %d bytes", fi, err, shared.Size)
	}
	if !searchFinds(t, ts.URL, submittedQuery, submittedPaper) {
		t.Errorf("the joined node does not find %s, written after the shared snapshot", submittedPaper)
	}
	// The shared snapshot is recent: the new node leaves it alone.
	if got, err := b.DB.FindSearchSnapshot(t.Context()); err != nil || got.ID != shared.ID {
		t.Errorf("shared snapshot after the join = %+v, %v; want still %d", got, err, shared.ID)
	}
}

// waitSharedSnapshot waits until n has shared its index snapshot.
func waitSharedSnapshot(t *testing.T, n *Server) *quire.SearchSnapshot {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		s, err := n.DB.FindSearchSnapshot(t.Context())
		if err == nil {
			return s
		}
		if !errors.Is(err, quire.ErrNotFound) || time.Now().After(deadline) {
			t.Fatalf("FindSearchSnapshot: %v; want the snapshot the node shares", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSnapshotSharingSchedule checks when a node shares its snapshot: not
// while the shared one is recent, not while another node holds the lease,
// and once it is older than the interval.
func TestSnapshotSharingSchedule(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	a := MustStartNode(t, nodeConfig(t, dsn, replayArxiv(t)))
	mustBeReady(t, a)
	first := waitSharedSnapshot(t, a)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const interval = 6 * time.Hour
	share := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := a.search.shareSnapshot(t.Context(), a.DB, interval, holder, at, quiet)
		if err != nil {
			t.Fatalf("shareSnapshot(%s, %v): %v", holder, at, err)
		}
		return ok
	}
	now := time.Now()
	if share("node-x", now) {
		t.Error("shared again while the shared snapshot is recent")
	}
	later := now.Add(interval + time.Hour)
	if !mustAcquire(t, a, snapshotLease, "node-y", later) {
		t.Fatal("node-y could not take the free lease")
	}
	if share("node-x", later) {
		t.Error("shared while another node holds the lease")
	}
	if err := a.DB.ReleaseLease(t.Context(), snapshotLease, "node-y"); err != nil {
		t.Fatal(err)
	}
	if !share("node-x", later) {
		t.Error("did not share once the shared snapshot was older than the interval")
	}
	if got, err := a.DB.FindSearchSnapshot(t.Context()); err != nil || got.ID <= first.ID {
		t.Errorf("shared snapshot = %+v, %v; want one newer than %d", got, err, first.ID)
	}
}

func mustAcquire(t *testing.T, n *Server, lease, holder string, at time.Time) bool {
	t.Helper()
	ok, err := n.DB.AcquireLease(t.Context(), lease, holder, time.Hour, at)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
