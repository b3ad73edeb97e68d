package arxiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// apiServer is a local stand-in for the arXiv API that answers with
// recorded responses and remembers what it was asked.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
}

// newAPIServer starts a server whose handler is respond, called with the
// 1-based number of the request.
func newAPIServer(tb testing.TB, respond func(n int, w http.ResponseWriter, r *http.Request)) *apiServer {
	tb.Helper()
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(context.Background()))
		n := len(s.requests)
		s.mu.Unlock()
		respond(n, w, r)
	}))
	tb.Cleanup(s.Close)
	return s
}

// count returns the number of requests received.
func (s *apiServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// request returns the nth request (1-based).
func (s *apiServer) request(tb testing.TB, n int) *http.Request {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > len(s.requests) {
		tb.Fatalf("request %d was not made (%d made)", n, len(s.requests))
	}
	return s.requests[n-1]
}

// replay answers with a fixture file.
func replay(tb testing.TB, status int, name string) func(int, http.ResponseWriter, *http.Request) {
	body := MustReadAPIFixture(tb, name)
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write(body)
	}
}

// MustAPIClient returns a client of s with short waits, changed by opts.
func MustAPIClient(tb testing.TB, s *apiServer, opts APIOptions) *APIClient {
	tb.Helper()
	opts.BaseURL = s.URL + "/api/query"
	if opts.MinInterval == 0 {
		opts.MinInterval = time.Millisecond
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	if opts.Contact == "" && opts.UserAgent == "" {
		opts.Contact = "https://quire.example/about"
	}
	c, err := NewAPIClient(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestAPIClientFetch(t *testing.T) {
	s := newAPIServer(t, replay(t, http.StatusOK, "one_entry.xml"))
	c := MustAPIClient(t, s, APIOptions{})
	got, err := c.Fetch(t.Context(), "https://arxiv.org/abs/2506.11702v1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*quire.Paper{wantConfigurablePreference()}, got); diff != "" {
		t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
	}
	r := s.request(t, 1)
	if r.Method != http.MethodGet || r.URL.Path != "/api/query" {
		t.Errorf("request = %s %s, want GET /api/query", r.Method, r.URL.Path)
	}
	// The version is dropped: the catalogue keeps the latest version.
	wantQuery := url.Values{"id_list": {"2506.11702"}, "max_results": {"1"}}
	if diff := cmp.Diff(wantQuery, r.URL.Query()); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	if ua := r.UserAgent(); ua != "Quire (research-paper hub; +https://quire.example/about)" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestAPIClientFetchSeveral(t *testing.T) {
	s := newAPIServer(t, replay(t, http.StatusOK, "multi_entry.xml"))
	c := MustAPIClient(t, s, APIOptions{UserAgent: "quire-test/1 (+mailto:ops@quire.example)"})
	// Any accepted form, in an order other than the feed's, with a repeat.
	got, err := c.Fetch(t.Context(), "0704.0163", "arXiv:2506.08592v1", "https://arxiv.org/abs/0704.0001", "2506.08592")
	if err != nil {
		t.Fatal(err)
	}
	want := []*quire.Paper{wantQuasicrystals(), wantDenseRetrievers(), wantDiphoton()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
	}
	r := s.request(t, 1)
	if q := r.URL.RawQuery; q != "id_list=0704.0163,2506.08592,0704.0001&max_results=3" {
		t.Errorf("query = %q", q)
	}
	if ua := r.UserAgent(); ua != "quire-test/1 (+mailto:ops@quire.example)" {
		t.Errorf("User-Agent = %q, want the configured one", ua)
	}
}

func TestAPIClientFetchOldStyle(t *testing.T) {
	s := newAPIServer(t, replay(t, http.StatusOK, "old_style.xml"))
	c := MustAPIClient(t, s, APIOptions{})
	got, err := c.Fetch(t.Context(), "hep-th/9901001v1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*quire.Paper{wantStringJunctions()}, got); diff != "" {
		t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
	}
	if q := s.request(t, 1).URL.Query().Get("id_list"); q != "hep-th/9901001" {
		t.Errorf("id_list = %q, want hep-th/9901001", q)
	}
}

func TestAPIClientFetchNotFound(t *testing.T) {
	t.Run("empty feed", func(t *testing.T) {
		s := newAPIServer(t, replay(t, http.StatusOK, "empty.xml"))
		c := MustAPIClient(t, s, APIOptions{})
		got, err := c.Fetch(t.Context(), "2506.99999")
		if !errors.Is(err, quire.ErrNotFound) {
			t.Fatalf("Fetch = %v, %v; want an error of kind ErrNotFound", got, err)
		}
		if len(got) != 0 {
			t.Errorf("Fetch returned %d papers, want none", len(got))
		}
		if msg := quire.UserMessage(err); msg != "arXiv has no paper with the identifier 2506.99999" {
			t.Errorf("message = %q", msg)
		}
		if n := s.count(); n != 1 {
			t.Errorf("%d requests, want 1 (not found is no reason to retry)", n)
		}
	})
	t.Run("some missing", func(t *testing.T) {
		s := newAPIServer(t, replay(t, http.StatusOK, "missing_placeholder.xml"))
		c := MustAPIClient(t, s, APIOptions{})
		got, err := c.Fetch(t.Context(), "2506.11702", "2506.99999")
		if !errors.Is(err, quire.ErrNotFound) || !strings.Contains(err.Error(), "2506.99999") || strings.Contains(err.Error(), "2506.11702") {
			t.Errorf("Fetch error = %v, want ErrNotFound naming only 2506.99999", err)
		}
		if diff := cmp.Diff([]*quire.Paper{wantConfigurablePreference()}, got); diff != "" {
			t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestAPIClientFetchBatches(t *testing.T) {
	var ids []string
	for i := range 120 {
		ids = append(ids, fmt.Sprintf("2506.%05d", 90000+i))
	}
	s := newAPIServer(t, replay(t, http.StatusOK, "empty.xml"))
	c := MustAPIClient(t, s, APIOptions{})
	_, err := c.Fetch(t.Context(), ids...)
	if !errors.Is(err, quire.ErrNotFound) {
		t.Fatalf("Fetch = %v, want ErrNotFound", err)
	}
	if msg := quire.UserMessage(err); !strings.HasSuffix(msg, "2506.90009 and 110 more") {
		t.Errorf("message = %q", msg)
	}
	var sent []string
	for n := 1; n <= s.count(); n++ {
		q := s.request(t, n).URL.Query()
		list := strings.Split(q.Get("id_list"), ",")
		if q.Get("max_results") != fmt.Sprint(len(list)) || len(list) > maxIDsPerRequest {
			t.Errorf("request %d: %d ids, max_results %s", n, len(list), q.Get("max_results"))
		}
		sent = append(sent, list...)
	}
	if s.count() != 3 || !slices.Equal(sent, ids) {
		t.Errorf("sent %d ids in %d requests, want the 120 ids in order in 3", len(sent), s.count())
	}
}

func TestAPIClientFetchInvalid(t *testing.T) {
	s := newAPIServer(t, replay(t, http.StatusOK, "one_entry.xml"))
	c := MustAPIClient(t, s, APIOptions{})
	many := slices.Repeat([]string{"2506.11702"}, maxFetchIDs+1)
	for _, ids := range [][]string{
		nil,
		{"1234.5678"},
		{"2506.11702", "hep-th/9901001", "not an id"},
		{"https://example.com/abs/2506.11702"},
		{"2506.11702v0"},
		many,
	} {
		_, err := c.Fetch(t.Context(), ids...)
		if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
			t.Errorf("Fetch(%q) = %v, want an error of kind ErrInvalid with a message", clipString(strings.Join(ids, " ")), err)
		}
	}
	if n := s.count(); n != 0 {
		t.Errorf("%d requests made for invalid identifiers, want 0", n)
	}
}

func TestAPIClientErrorFeed(t *testing.T) {
	// arXiv sends error feeds with status 200 or 400. The client checks ids
	// first, so here a valid id meets arXiv's refusal.
	for _, status := range []int{http.StatusOK, http.StatusBadRequest} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := newAPIServer(t, replay(t, status, "error_id_format.xml"))
			c := MustAPIClient(t, s, APIOptions{})
			_, err := c.Fetch(t.Context(), "2506.11702")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Fetch = %v, want an *APIError", err)
			}
			if apiErr.Status != status || apiErr.Message != "incorrect id format for 1234.12345" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), "incorrect id format") {
				t.Errorf("error %v: want kind ErrInvalid with arXiv's message", err)
			}
			if n := s.count(); n != 1 {
				t.Errorf("%d requests, want 1 (an error feed is final)", n)
			}
		})
	}
}

func TestAPIClientBadResponse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		respond func(int, http.ResponseWriter, *http.Request)
	}{
		{"truncated", replay(t, http.StatusOK, "truncated.xml")},
		{"not found page", func(_ int, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "<html><body>Not Found</body></html>", http.StatusNotFound)
		}},
		{"feed with bad status", replay(t, http.StatusForbidden, "one_entry.xml")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAPIServer(t, tc.respond)
			c := MustAPIClient(t, s, APIOptions{})
			_, err := c.Fetch(t.Context(), "2506.11702")
			if !errors.Is(err, ErrBadResponse) || !errors.Is(err, quire.ErrUnavailable) {
				t.Fatalf("Fetch = %v, want ErrBadResponse of kind ErrUnavailable", err)
			}
			if errors.Is(err, quire.ErrInvalid) {
				t.Errorf("error %v is of kind ErrInvalid, but the fault is arXiv's", err)
			}
			if quire.UserMessage(err) == "" {
				t.Errorf("error %v has no user message", err)
			}
			if n := s.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestAPIClientRetries(t *testing.T) {
	ok := MustReadAPIFixture(t, "one_entry.xml")
	busy := MustReadAPIFixture(t, "rate_exceeded.txt")
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter)
	}{
		{"503", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		}},
		{"429", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write(busy)
		}},
		{"rate exceeded with 200", func(w http.ResponseWriter) { w.Write(busy) }},
		{"500 without Retry-After", func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) }},
		{"connection dropped", func(w http.ResponseWriter) { dropConnection(t, w) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAPIServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n <= 2 {
					tc.fail(w)
					return
				}
				w.Write(ok)
			})
			c := MustAPIClient(t, s, APIOptions{})
			got, err := c.Fetch(t.Context(), "2506.11702")
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if diff := cmp.Diff([]*quire.Paper{wantConfigurablePreference()}, got); diff != "" {
				t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
			}
			if n := s.count(); n != 3 {
				t.Errorf("%d requests, want 3 (two failures, then success)", n)
			}
		})
	}
}

// dropConnection closes the connection without an answer.
func dropConnection(tb testing.TB, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		tb.Error(err)
		return
	}
	conn.Close()
}

func TestAPIClientUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    APIOptions
		respond func(int, http.ResponseWriter, *http.Request)
		want    int // requests
	}{
		{
			name: "always 503",
			opts: APIOptions{MaxAttempts: 3},
			respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			},
			want: 3,
		},
		{
			name:    "connection always dropped",
			respond: func(_ int, w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) },
			want:    DefaultAPIMaxAttempts,
		},
		{
			name: "every attempt times out",
			opts: APIOptions{MaxAttempts: 2, Timeout: 20 * time.Millisecond},
			respond: func(_ int, w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done() // the client gave up
			},
			want: 2,
		},
		{
			// A pause longer than MaxRetryAfter is not waited out.
			name: "Retry-After too long",
			respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			want: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAPIServer(t, tc.respond)
			c := MustAPIClient(t, s, tc.opts)
			_, err := c.Fetch(t.Context(), "2506.11702")
			if !errors.Is(err, ErrUnreachable) || !errors.Is(err, quire.ErrUnavailable) {
				t.Fatalf("Fetch = %v, want ErrUnreachable of kind ErrUnavailable", err)
			}
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, quire.ErrInvalid) {
				t.Errorf("error %v wraps a timeout or ErrInvalid", err)
			}
			if msg := quire.UserMessage(err); !strings.Contains(msg, "try again") {
				t.Errorf("user message = %q, want advice to try again", msg)
			}
			if n := s.count(); n != tc.want {
				t.Errorf("%d requests, want %d", n, tc.want)
			}
		})
	}
}

// TestAPIClientLongPause checks that a pause arXiv asks for is kept by
// every later fetch, which fail at once instead of waiting it out.
func TestAPIClientLongPause(t *testing.T) {
	s := newAPIServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(MustReadAPIFixture(t, "one_entry.xml"))
	})
	c := MustAPIClient(t, s, APIOptions{})
	for i := range 3 {
		_, err := c.Fetch(t.Context(), "2506.11702")
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("Fetch %d = %v, want ErrUnreachable", i+1, err)
		}
	}
	if n := s.count(); n != 1 {
		t.Errorf("%d requests, want 1 (arXiv asked for an hour's pause)", n)
	}
}

// timingTransport records when each request starts and when its response
// headers arrive, on the client side, and how many are in flight (until the
// body is closed).
type timingTransport struct {
	mu          sync.Mutex
	starts      []time.Time
	answered    []time.Time
	inFlight    int
	maxInFlight int
}

func (tt *timingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tt.mu.Lock()
	tt.starts = append(tt.starts, time.Now())
	tt.inFlight++
	tt.maxInFlight = max(tt.maxInFlight, tt.inFlight)
	tt.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.answered = append(tt.answered, time.Now())
	if err != nil {
		tt.inFlight--
		return nil, err
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: func() {
		tt.mu.Lock()
		tt.inFlight--
		tt.mu.Unlock()
	}}
	return resp, nil
}

type doneBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// TestAPIClientSpacing checks arXiv's rule on the client side: requests
// from many goroutines go one at a time, each starting at least MinInterval
// after the previous one. The client waits MinInterval from the end of the
// previous exchange, which comes after its start, so consecutive starts as
// seen by the transport are at least MinInterval apart whatever the
// scheduling; no upper bound is asserted.
func TestAPIClientSpacing(t *testing.T) {
	const interval = 50 * time.Millisecond
	ok := MustReadAPIFixture(t, "one_entry.xml")
	s := newAPIServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n%3 == 1 { // some retries in the mix
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(ok)
	})
	tt := &timingTransport{}
	c := MustAPIClient(t, s, APIOptions{MinInterval: interval, HTTPClient: &http.Client{Transport: tt}})
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			_, err := c.Fetch(t.Context(), "2506.11702")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if len(tt.starts) < 6 {
		t.Fatalf("%d requests, want at least 6", len(tt.starts))
	}
	if tt.maxInFlight != 1 {
		t.Errorf("%d requests were in flight at once, want 1", tt.maxInFlight)
	}
	for i := 1; i < len(tt.starts); i++ {
		if gap := tt.starts[i].Sub(tt.starts[i-1]); gap < interval {
			t.Errorf("request %d started %v after request %d, want at least %v", i+1, gap, i, interval)
		}
	}
}

// TestAPIClientHonoursRetryAfter checks that after "Retry-After: 1" the next
// request starts no sooner than a second after the answer arrived.
func TestAPIClientHonoursRetryAfter(t *testing.T) {
	ok := MustReadAPIFixture(t, "one_entry.xml")
	s := newAPIServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(ok)
	})
	tt := &timingTransport{}
	c := MustAPIClient(t, s, APIOptions{HTTPClient: &http.Client{Transport: tt}})
	if _, err := c.Fetch(t.Context(), "2506.11702"); err != nil {
		t.Fatal(err)
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if len(tt.starts) != 2 {
		t.Fatalf("%d requests, want 2", len(tt.starts))
	}
	if wait := tt.starts[1].Sub(tt.answered[0]); wait < time.Second {
		t.Errorf("retried %v after the answer, want at least 1s", wait)
	}
}

func TestAPIClientCancel(t *testing.T) {
	t.Run("before the request", func(t *testing.T) {
		s := newAPIServer(t, replay(t, http.StatusOK, "one_entry.xml"))
		c := MustAPIClient(t, s, APIOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := c.Fetch(ctx, "2506.11702"); !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch = %v, want context.Canceled", err)
		}
		if n := s.count(); n != 0 {
			t.Errorf("%d requests, want 0", n)
		}
	})
	t.Run("during the request", func(t *testing.T) {
		arrived := make(chan struct{})
		s := newAPIServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-r.Context().Done()
		})
		c := MustAPIClient(t, s, APIOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := c.Fetch(ctx, "2506.11702")
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
			t.Errorf("Fetch = %v, want context.Canceled", err)
		}
		if n := s.count(); n != 1 {
			t.Errorf("%d requests, want 1 (no retry after cancellation)", n)
		}
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		s := newAPIServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		c := MustAPIClient(t, s, APIOptions{Backoff: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() {
			for s.count() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		if _, err := c.Fetch(ctx, "2506.11702"); !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch = %v, want context.Canceled", err)
		}
	})
	t.Run("while waiting for the interval", func(t *testing.T) {
		s := newAPIServer(t, replay(t, http.StatusOK, "one_entry.xml"))
		c := MustAPIClient(t, s, APIOptions{MinInterval: time.Hour})
		if _, err := c.Fetch(t.Context(), "2506.11702"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		_, err := c.Fetch(ctx, "2506.11702")
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnreachable) {
			t.Errorf("Fetch = %v, want context.DeadlineExceeded", err)
		}
		if n := s.count(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

func TestNewAPIClientInvalid(t *testing.T) {
	for _, opts := range []APIOptions{
		{BaseURL: "export.arxiv.org/api/query"},
		{BaseURL: "ftp://export.arxiv.org/api/query"},
		{BaseURL: "https://export.arxiv.org/api/query?id_list=1"},
		{BaseURL: "https://"},
		{Timeout: -time.Second},
		{MinInterval: -1},
		{MaxAttempts: -1},
		{Backoff: -1},
		{MaxRetryAfter: -1},
	} {
		if _, err := NewAPIClient(opts); !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
			t.Errorf("NewAPIClient(%+v) = %v, want an error of kind ErrInvalid", opts, err)
		}
	}
	c, err := NewAPIClient(APIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != DefaultAPIURL || c.timeout != DefaultAPITimeout || c.gate.interval != DefaultAPIMinInterval ||
		c.maxAttempts != DefaultAPIMaxAttempts || c.userAgent != DefaultUserAgent("") {
		t.Errorf("NewAPIClient(zero options) = %+v, want the defaults", c)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	for contact, want := range map[string]string{
		"":                             "Quire (research-paper hub; no contact configured)",
		"https://papers.example.org/":  "Quire (research-paper hub; +https://papers.example.org/)",
		" mailto:admin@example.org\n ": "Quire (research-paper hub; +mailto:admin@example.org)",
	} {
		if got := DefaultUserAgent(contact); got != want {
			t.Errorf("DefaultUserAgent(%q) = %q, want %q", contact, got, want)
		}
	}
}
