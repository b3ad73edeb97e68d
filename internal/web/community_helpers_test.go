package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/internal/arxiv"
	"quire/internal/middleware"
	"quire/internal/store/sqlite"
	"quire/internal/web"
)

// testSecret keys the form tokens of test servers.
var testSecret = []byte(strings.Repeat("0123456789abcdef", 4))

// testDelay is the new-account delay of test servers.
const testDelay = 5 * time.Minute

// clock is a test clock that only moves when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// communityServer is a site with accounts on, behind the body limit of
// the real server.
type communityServer struct {
	*httptest.Server
	db    *sqlite.DB
	clock *clock
}

// MustCommunityServer serves db with accounts on; fetcher, when not nil,
// fetches submitted papers.
func MustCommunityServer(tb testing.TB, db *sqlite.DB, fetcher web.PaperFetcher) *communityServer {
	tb.Helper()
	opts := &web.CommunityOptions{}
	if fetcher != nil {
		opts.ArXiv = fetcher
	}
	return mustCommunityServerWith(tb, db, opts)
}

// mustCommunityServerWith is MustCommunityServer with further options: the
// store, secret, delay, quota and base URL are filled in.
func mustCommunityServerWith(tb testing.TB, db *sqlite.DB, opts *web.CommunityOptions, more ...func(*web.Options)) *communityServer {
	tb.Helper()
	clk := &clock{now: today}
	opts.Store, opts.Secret, opts.NewAccountDelay, opts.SubmitPerDay = db, testSecret, testDelay, 2
	// The server's address goes into the links of mail, so the listener
	// comes first.
	var h http.Handler
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	opts.BaseURL = "http://" + srv.Listener.Addr().String()
	wo := web.Options{
		Now:       clk.Now,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Community: opts,
	}
	for _, f := range more {
		f(&wo)
	}
	pages, err := web.New(db, wo)
	if err != nil {
		tb.Fatal(err)
	}
	h = middleware.BodyLimit(8 << 10)(pages)
	srv.Start()
	tb.Cleanup(srv.Close)
	return &communityServer{Server: srv, db: db, clock: clk}
}

// MustArxivReplay serves recorded arXiv API responses: testdata/arxiv/
// files by the id asked for, the empty feed for other ids. Its client
// does not space or retry requests.
func MustArxivReplay(tb testing.TB, files map[string]string) *arxiv.APIClient {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := files[r.URL.Query().Get("id_list")]
		if !ok {
			name = "empty.xml"
		}
		b, err := os.ReadFile("testdata/arxiv/" + name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(b)
	}))
	tb.Cleanup(srv.Close)
	return mustAPIClient(tb, srv.URL)
}

func mustAPIClient(tb testing.TB, base string) *arxiv.APIClient {
	tb.Helper()
	c, err := arxiv.NewAPIClient(arxiv.APIOptions{BaseURL: base, MinInterval: time.Millisecond, MaxAttempts: 1, Backoff: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// browser is one visitor with its own cookies. It does not follow
// redirects, so tests see them.
type browser struct {
	tb     testing.TB
	srv    *communityServer
	client *http.Client
}

func (s *communityServer) NewBrowser(tb testing.TB) *browser {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	client := *s.Client()
	client.Jar = jar
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{tb: tb, srv: s, client: &client}
}

// Do sends a request with the given headers.
func (b *browser) Do(method, path string, body io.Reader, header http.Header) response {
	b.tb.Helper()
	req, err := http.NewRequestWithContext(b.tb.Context(), method, b.srv.URL+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

func (b *browser) Get(path string) response {
	b.tb.Helper()
	return b.Do(http.MethodGet, path, nil, nil)
}

// Post sends a form as is.
func (b *browser) Post(path string, form url.Values) response {
	b.tb.Helper()
	return b.Do(http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// Submit fetches the page at from, takes its form token and posts form to
// path with it, as a browser submitting a form of that page.
func (b *browser) Submit(from, path string, form url.Values) response {
	b.tb.Helper()
	form = cloneValues(form)
	form.Set("csrf_token", b.Token(from))
	return b.Post(path, form)
}

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Token returns the first form token of the page at path.
func (b *browser) Token(path string) string {
	b.tb.Helper()
	r := b.Get(path)
	m := tokenRE.FindStringSubmatch(r.body)
	if m == nil {
		b.tb.Fatalf("GET %s: no form token on the page (status %d)", path, r.status)
	}
	return m[1]
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// MustSignUp signs a new account up in b.
func (b *browser) MustSignUp(name string) {
	b.tb.Helper()
	r := b.Submit("/signup", "/signup", url.Values{"username": {name}, "email": {name + "@example.org"}, "password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		b.tb.Fatalf("sign-up of %s: status %d\n%s", name, r.status, r.body)
	}
}

// SessionCookie returns b's session cookie for the server, or nil.
func (b *browser) SessionCookie() *http.Cookie {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "quire_session" {
			return c
		}
	}
	return nil
}
