package embedding

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"quire"
)

// OpenAIConfig configures a client for an OpenAI-compatible embeddings
// endpoint (OpenAI, Ollama, Text Embeddings Inference, vLLM, llama.cpp).
type OpenAIConfig struct {
	// URL is the server's base URL, such as "http://localhost:11434" or
	// "https://api.openai.com/v1"; requests go to {URL}/v1/embeddings.
	URL string
	// Model is sent as "model" in every request.
	Model string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// Dim is the expected vector length; 0 learns it from the first response.
	Dim int
	// BatchSize is the number of texts per request (default 64).
	BatchSize int
	// Timeout bounds each request, including reading its response (default 60s).
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried after network
	// errors, timeouts, 429 and 5xx responses (default 4; negative: never).
	MaxRetries int
	// Backoff is the delay before the first retry (default 500ms); it doubles
	// with each retry, up to 30s, with random jitter.
	Backoff time.Duration
	// Base64 asks the server for base64-encoded vectors, which are about a
	// quarter the size of JSON numbers. Not every server supports it.
	Base64 bool
	// HTTPClient is the client to use (default: a new http.Client).
	HTTPClient *http.Client
}

// OpenAI is an Embedder backed by an OpenAI-compatible HTTP server.
type OpenAI struct {
	cfg      OpenAIConfig
	endpoint string
	client   *http.Client
	dim      atomic.Int64 // configured or learned from the first response
	sleep    func(ctx context.Context, d time.Duration) error
}

const (
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 2 * time.Minute
	// maxResponse bounds a response body: 64 vectors of 4,096 floats as JSON
	// take about 6 MB, so this only stops a runaway server.
	maxResponse = 256 << 20
)

// NewOpenAI returns a client for cfg, checking the configuration.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	endpoint, err := embeddingsEndpoint(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, quire.Invalidf("embedding: a model name is required")
	}
	if cfg.Dim < 0 || cfg.BatchSize < 0 || cfg.Timeout < 0 || cfg.Backoff < 0 {
		return nil, quire.Invalidf("embedding: dimension, batch size, timeout and backoff must not be negative")
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 64
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 4
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	c := &OpenAI{cfg: cfg, endpoint: endpoint, client: cfg.HTTPClient, sleep: sleep}
	if c.client == nil {
		c.client = &http.Client{}
	}
	c.dim.Store(int64(cfg.Dim))
	return c, nil
}

// embeddingsEndpoint accepts a base URL with or without the /v1 suffix (or
// the full endpoint) and returns the full endpoint.
func embeddingsEndpoint(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", quire.Invalidf("embedding: %q is not an http(s) URL", base)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/embeddings")
	p = strings.TrimSuffix(p, "/v1")
	u.Path = p + "/v1/embeddings"
	u.RawPath = ""
	return u.String(), nil
}

// Name returns "openai:" and the model name.
func (c *OpenAI) Name() string { return "openai:" + c.cfg.Model }

// Dim returns the configured dimension, or the one learned from the first
// response (0 before any response when none was configured).
func (c *OpenAI) Dim() int { return int(c.dim.Load()) }

// Embed sends texts in batches and returns their unit-length vectors.
func (c *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += c.cfg.BatchSize {
		batch := texts[start:min(start+c.cfg.BatchSize, len(texts))]
		vecs, err := c.embedBatch(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("embedding: texts %d..%d: %w", start, start+len(batch)-1, err)
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// embedBatch sends one request, retrying transient failures.
func (c *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := c.requestBody(texts)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		vecs, err := c.post(ctx, body, len(texts))
		if err == nil {
			return vecs, nil
		}
		var re *retryableError
		if !errors.As(err, &re) || attempt >= c.cfg.MaxRetries || ctx.Err() != nil {
			return nil, err
		}
		wait := jitter(c.cfg.Backoff, attempt)
		if re.after > wait {
			wait = min(re.after, maxRetryAfter)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w (while retrying after: %v)", err, re)
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *OpenAI) requestBody(texts []string) ([]byte, error) {
	req := struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format,omitempty"`
	}{Model: c.cfg.Model, Input: texts}
	if c.cfg.Base64 {
		req.EncodingFormat = "base64"
	}
	return json.Marshal(req)
}

// retryableError marks failures worth another attempt: network errors,
// timeouts, 429 and 5xx. after is the server's Retry-After, if any.
type retryableError struct {
	err   error
	after time.Duration
}

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

// post makes one request with its own timeout.
func (c *OpenAI) post(ctx context.Context, body []byte, n int) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, &retryableError{err: fmt.Errorf("POST %s: %w", c.endpoint, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, &retryableError{err: fmt.Errorf("POST %s: reading response: %w", c.endpoint, err)}
	}
	if len(data) > maxResponse {
		return nil, fmt.Errorf("POST %s: response larger than %d bytes", c.endpoint, maxResponse)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("POST %s: %s: %s", c.endpoint, resp.Status, serverMessage(data))
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return nil, &retryableError{err: err, after: retryAfter(resp.Header.Get("Retry-After"))}
		}
		return nil, err
	}
	vecs, err := c.decode(data, n)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", c.endpoint, err)
	}
	return vecs, nil
}

// decode reads an embeddings response, puts the vectors in input order by
// their "index", checks their dimension and normalises them.
func (c *OpenAI) decode(data []byte, n int) ([][]float32, error) {
	var resp struct {
		Data []struct {
			Embedding json.RawMessage `json:"embedding"`
			Index     *int            `json:"index"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, fmt.Errorf("malformed response: %w", err)
	}
	if len(resp.Data) != n {
		return nil, fmt.Errorf("response has %d embeddings for %d inputs", len(resp.Data), n)
	}
	out := make([][]float32, n)
	for i, d := range resp.Data {
		idx := i // servers that omit "index" answer in input order
		if d.Index != nil {
			idx = *d.Index
		}
		if idx < 0 || idx >= n || out[idx] != nil {
			return nil, fmt.Errorf("response has a missing, repeated or out-of-range index %d", idx)
		}
		v, err := decodeVector(d.Embedding)
		if err != nil {
			return nil, fmt.Errorf("embedding %d: %w", idx, err)
		}
		if len(v) == 0 {
			return nil, fmt.Errorf("embedding %d is empty", idx)
		}
		if want := c.dim.Load(); want == 0 {
			c.dim.CompareAndSwap(0, int64(len(v)))
		}
		if want := c.Dim(); len(v) != want {
			return nil, fmt.Errorf("embedding %d has dimension %d, want %d", idx, len(v), want)
		}
		normalize(v)
		out[idx] = v
	}
	return out, nil
}

// decodeVector reads a JSON array of numbers or a base64 string of
// little-endian float32s.
func decodeVector(raw json.RawMessage) ([]float32, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("bad base64 vector: %w", err)
		}
		if len(b)%4 != 0 {
			return nil, fmt.Errorf("base64 vector of %d bytes is not a list of float32", len(b))
		}
		v := make([]float32, len(b)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, errors.New("vector holds a non-finite number")
			}
		}
		return v, nil
	}
	var v []float32
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("bad vector: %w", err)
	}
	return v, nil
}

// serverMessage extracts the error message from an error response in the
// shapes servers use ({"error":{"message":..}}, {"error":".."},
// {"message":".."}), or returns the start of the body.
func serverMessage(body []byte) string {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil {
		var nested struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(e.Error, &nested) == nil && nested.Message != "":
			return nested.Message
		case json.Unmarshal(e.Error, &s) == nil && s != "":
			return s
		case e.Message != "":
			return e.Message
		}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	if msg == "" {
		msg = "(empty body)"
	}
	return msg
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(secs, 0)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// jitter returns the delay before retry number attempt+1: base·2^attempt,
// capped, then drawn uniformly from its upper half so that clients that
// failed together do not retry together.
func jitter(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 16)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
