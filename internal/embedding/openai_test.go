package embedding

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"quire"
)

// embedServer speaks the OpenAI embeddings protocol. Each request is passed
// to reply (with its 0-based number), which may write its own answer and
// return true; otherwise the server answers with vectors derived from the
// texts, in reverse order so clients must honour "index".
type embedServer struct {
	*httptest.Server
	dim   int
	reply func(n int, w http.ResponseWriter, r *http.Request, req embedRequest) bool

	mu       sync.Mutex
	requests []embedRequest
	headers  []http.Header
}

type embedRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
}

func newEmbedServer(tb testing.TB, dim int) *embedServer {
	tb.Helper()
	s := &embedServer{dim: dim}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *embedServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, `{"error":{"message":"no route"}}`, http.StatusNotFound)
		return
	}
	var req embedRequest
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	if s.reply != nil && s.reply(n, w, r, req) {
		return
	}
	type item struct {
		Object    string `json:"object"`
		Embedding any    `json:"embedding"`
		Index     int    `json:"index"`
	}
	var data []item
	for i := len(req.Input) - 1; i >= 0; i-- {
		v := textVector(req.Input[i], s.dim)
		var emb any = v
		if req.EncodingFormat == "base64" {
			b := make([]byte, 4*len(v))
			for j, x := range v {
				binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(x))
			}
			emb = base64.StdEncoding.EncodeToString(b)
		}
		data = append(data, item{"embedding", emb, i})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
}

func (s *embedServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// textVector is a deterministic, deliberately unnormalised vector for text.
func textVector(text string, dim int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	x := h.Sum64()
	v := make([]float32, dim)
	for i := range v {
		x = x*6364136223846793005 + 1442695040888963407
		v[i] = float32(int32(x>>32)) / (1 << 28)
	}
	return v
}

func unit(v []float32) []float32 {
	v = append([]float32(nil), v...)
	normalize(v)
	return v
}

// MustNewOpenAI returns a client for s with fast retries, recording waits.
func MustNewOpenAI(tb testing.TB, s *embedServer, cfg OpenAIConfig, waits *[]time.Duration) *OpenAI {
	tb.Helper()
	cfg.URL = s.URL
	if cfg.Model == "" {
		cfg.Model = "test-embed"
	}
	c, err := NewOpenAI(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if waits != nil {
			*waits = append(*waits, d)
		}
		return ctx.Err()
	}
	return c
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat("paper ", i%3+1) + string(rune('a'+i%26)) + strings.Repeat("x", i)
	}
	return out
}

func TestOpenAIEmbed(t *testing.T) {
	for _, b64 := range []bool{false, true} {
		name := "json"
		if b64 {
			name = "base64"
		}
		t.Run(name, func(t *testing.T) {
			s := newEmbedServer(t, 24)
			c := MustNewOpenAI(t, s, OpenAIConfig{APIKey: "sekret", BatchSize: 64, Base64: b64}, nil)
			in := texts(150)
			got, err := c.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			var want [][]float32
			for _, text := range in {
				want = append(want, unit(textVector(text, 24)))
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("Embed mismatch (-want +got):\n%s", diff)
			}
			var sizes []int
			for i, r := range s.requests {
				sizes = append(sizes, len(r.Input))
				if r.Model != "test-embed" {
					t.Errorf("request %d model = %q", i, r.Model)
				}
				if got := s.headers[i].Get("Authorization"); got != "Bearer sekret" {
					t.Errorf("request %d Authorization = %q", i, got)
				}
			}
			if diff := cmp.Diff([]int{64, 64, 22}, sizes); diff != "" {
				t.Errorf("batch sizes mismatch (-want +got):\n%s", diff)
			}
			if c.Dim() != 24 || c.Name() != "openai:test-embed" {
				t.Errorf("Dim, Name = %d, %q; want 24, openai:test-embed", c.Dim(), c.Name())
			}
		})
	}
}

func TestOpenAIRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(w http.ResponseWriter, r *http.Request) // the first request's answer
		timeout  time.Duration
		minWait  time.Duration
		requests int
	}{
		{
			name: "429 with Retry-After",
			fail: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "7")
				http.Error(w, `{"error":{"message":"slow down"}}`, http.StatusTooManyRequests)
			},
			minWait:  7 * time.Second,
			requests: 2,
		},
		{
			name: "500",
			fail: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "boom", http.StatusInternalServerError)
			},
			requests: 2,
		},
		{
			name: "503 as a date",
			fail: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			minWait:  maxRetryAfter, // an hour is capped
			requests: 2,
		},
		{
			name: "timeout",
			fail: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done() // hang until the client gives up
			},
			timeout:  50 * time.Millisecond,
			requests: 2,
		},
		{
			name: "connection dropped",
			fail: func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
			},
			requests: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newEmbedServer(t, 8)
			s.reply = func(n int, w http.ResponseWriter, r *http.Request, _ embedRequest) bool {
				if n == 0 {
					tc.fail(w, r)
					return true
				}
				return false
			}
			var waits []time.Duration
			c := MustNewOpenAI(t, s, OpenAIConfig{Timeout: tc.timeout}, &waits)
			got, err := c.Embed(context.Background(), []string{"a", "b"})
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if diff := cmp.Diff([][]float32{unit(textVector("a", 8)), unit(textVector("b", 8))}, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("Embed mismatch (-want +got):\n%s", diff)
			}
			if s.count() != tc.requests {
				t.Errorf("server saw %d requests, want %d", s.count(), tc.requests)
			}
			if len(waits) != 1 || waits[0] < tc.minWait || waits[0] <= 0 {
				t.Errorf("waits = %v, want one wait of at least %v", waits, tc.minWait)
			}
		})
	}
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      OpenAIConfig
		reply    func(n int, w http.ResponseWriter) bool
		wantErr  string
		requests int
	}{
		{
			name: "400 is not retried",
			reply: func(n int, w http.ResponseWriter) bool {
				http.Error(w, `{"error":{"message":"input is too long for this model","type":"invalid_request_error"}}`, http.StatusBadRequest)
				return true
			},
			wantErr:  "400 Bad Request: input is too long for this model",
			requests: 1,
		},
		{
			name: "401 with a string error",
			reply: func(n int, w http.ResponseWriter) bool {
				http.Error(w, `{"error":"invalid api key"}`, http.StatusUnauthorized)
				return true
			},
			wantErr:  "401 Unauthorized: invalid api key",
			requests: 1,
		},
		{
			name: "500 until retries run out",
			cfg:  OpenAIConfig{MaxRetries: 2},
			reply: func(n int, w http.ResponseWriter) bool {
				http.Error(w, "model is loading", http.StatusBadGateway)
				return true
			},
			wantErr:  "502 Bad Gateway: model is loading",
			requests: 3,
		},
		{
			name: "no retries",
			cfg:  OpenAIConfig{MaxRetries: -1},
			reply: func(n int, w http.ResponseWriter) bool {
				w.WriteHeader(http.StatusTooManyRequests)
				return true
			},
			wantErr:  "429 Too Many Requests: (empty body)",
			requests: 1,
		},
		{
			name: "wrong dimension within a response",
			reply: func(n int, w http.ResponseWriter) bool {
				io.WriteString(w, `{"data":[{"embedding":[1,2,3],"index":0},{"embedding":[1,2],"index":1}]}`)
				return true
			},
			wantErr:  "embedding 1 has dimension 2, want 3",
			requests: 1,
		},
		{
			name: "dimension other than configured",
			cfg:  OpenAIConfig{Dim: 8},
			reply: func(n int, w http.ResponseWriter) bool {
				io.WriteString(w, `{"data":[{"embedding":[1,2,3],"index":0},{"embedding":[1,2,3],"index":1}]}`)
				return true
			},
			wantErr:  "embedding 0 has dimension 3, want 8",
			requests: 1,
		},
		{
			name: "too few embeddings",
			reply: func(n int, w http.ResponseWriter) bool {
				io.WriteString(w, `{"data":[{"embedding":[1,2,3],"index":0}]}`)
				return true
			},
			wantErr:  "response has 1 embeddings for 2 inputs",
			requests: 1,
		},
		{
			name: "repeated index",
			reply: func(n int, w http.ResponseWriter) bool {
				io.WriteString(w, `{"data":[{"embedding":[1,2],"index":1},{"embedding":[1,2],"index":1}]}`)
				return true
			},
			wantErr:  "repeated or out-of-range index 1",
			requests: 1,
		},
		{
			name: "not JSON",
			reply: func(n int, w http.ResponseWriter) bool {
				io.WriteString(w, `<html>proxy error</html>`)
				return true
			},
			wantErr:  "malformed response",
			requests: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newEmbedServer(t, 8)
			s.reply = func(n int, w http.ResponseWriter, _ *http.Request, _ embedRequest) bool { return tc.reply(n, w) }
			c := MustNewOpenAI(t, s, tc.cfg, nil)
			_, err := c.Embed(context.Background(), []string{"a", "b"})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Embed error = %v, want one containing %q", err, tc.wantErr)
			}
			if s.count() != tc.requests {
				t.Errorf("server saw %d requests, want %d", s.count(), tc.requests)
			}
		})
	}
}

func TestOpenAICancel(t *testing.T) {
	s := newEmbedServer(t, 8)
	s.reply = func(n int, w http.ResponseWriter, _ *http.Request, _ embedRequest) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	c, err := NewOpenAI(OpenAIConfig{URL: s.URL, Model: "m", Backoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for s.count() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = c.Embed(ctx, []string{"a"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Embed error = %v, want context.Canceled", err)
	}
}

func TestNewOpenAI(t *testing.T) {
	tests := []struct {
		cfg     OpenAIConfig
		want    string // endpoint, or "" for an invalid configuration
		wantDim int
	}{
		{OpenAIConfig{URL: "http://localhost:11434", Model: "nomic-embed-text"}, "http://localhost:11434/v1/embeddings", 0},
		{OpenAIConfig{URL: "https://api.openai.com/v1/", Model: "m", Dim: 1536}, "https://api.openai.com/v1/embeddings", 1536},
		{OpenAIConfig{URL: "http://tei:8080/v1/embeddings", Model: "m"}, "http://tei:8080/v1/embeddings", 0},
		{OpenAIConfig{URL: "http://host/prefix", Model: "m"}, "http://host/prefix/v1/embeddings", 0},
		{OpenAIConfig{URL: "localhost:11434", Model: "m"}, "", 0},
		{OpenAIConfig{URL: "ftp://host", Model: "m"}, "", 0},
		{OpenAIConfig{URL: "http://host", Model: " "}, "", 0},
		{OpenAIConfig{URL: "http://host", Model: "m", BatchSize: -1}, "", 0},
	}
	for _, tc := range tests {
		c, err := NewOpenAI(tc.cfg)
		if tc.want == "" {
			if err == nil || !errors.Is(err, quire.ErrInvalid) {
				t.Errorf("NewOpenAI(%+v) error = %v, want an ErrInvalid", tc.cfg, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewOpenAI(%+v): %v", tc.cfg, err)
			continue
		}
		if c.endpoint != tc.want || c.Dim() != tc.wantDim {
			t.Errorf("NewOpenAI(%+v) endpoint, Dim = %q, %d; want %q, %d", tc.cfg, c.endpoint, c.Dim(), tc.want, tc.wantDim)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"-4", 0},
		{"soon", 0},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0}, // in the past
	}
	for _, tc := range tests {
		if got := retryAfter(tc.in); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for attempt := range 30 {
		d := jitter(time.Second, attempt)
		full := min(time.Second<<min(attempt, 16), maxBackoff)
		if d < full/2 || d > full {
			t.Errorf("jitter(1s, %d) = %v, want within [%v, %v]", attempt, d, full/2, full)
		}
	}
}
