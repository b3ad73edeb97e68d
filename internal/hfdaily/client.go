package hfdaily

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"quire"
	"quire/internal/retry"
)

// Defaults of a Client.
const (
	// DefaultMinInterval spaces requests to the upstream: a daily list is
	// a handful of requests, so there is no reason to press.
	DefaultMinInterval = time.Second
	// defaultTimeout bounds one request.
	defaultTimeout = 30 * time.Second
	// defaultRetries is how many times a failed request is tried again.
	defaultRetries = 4
	// maxBody bounds a response: a day of the reference hub is ~120 KB.
	maxBody = 32 << 20
	// pageLimit is the page size asked for; the upstream may answer with
	// fewer, and a full page means another may follow.
	pageLimit = 100
	// maxPages bounds the pages of one day, against an upstream that
	// ignores the page parameter and answers the same page forever.
	maxPages = 50
)

// ClientOptions configure a Client. Zero values take the defaults.
type ClientOptions struct {
	// URL is the upstream's daily-papers endpoint, such as
	// https://huggingface.co/api/daily_papers or another Quire's
	// https://papers.example.org/api/daily_papers.
	URL string
	// Contact goes into the User-Agent, so the upstream's operators can
	// reach whoever runs this hub.
	Contact string
	// HTTP is the client to use (default: one without a global timeout;
	// each request has its own).
	HTTP *http.Client
	// MinInterval is the least time between two requests.
	MinInterval time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// Retries is how many times a transient failure (network, 5xx, 429)
	// is retried, with exponential backoff; negative means none.
	Retries int
	// Backoff is the base wait before a retry (default 2 s), doubled each
	// time with jitter (retry.Backoff); a Retry-After header overrides it.
	Backoff time.Duration
}

// Client fetches days of an upstream daily-papers list: the Hugging Face
// API or another Quire's, which answers in the same shape.
type Client struct {
	endpoint *url.URL
	o        ClientOptions
	ua       string

	mu   sync.Mutex
	last time.Time // when the last request was sent
}

// NewClient checks o and returns a client.
func NewClient(o ClientOptions) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(o.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream daily papers: %q is not an http(s) URL", o.URL)
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.MinInterval == 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	if o.Retries == 0 {
		o.Retries = defaultRetries
	}
	if o.Backoff == 0 {
		o.Backoff = 2 * time.Second
	}
	ua := "Quire (self-hosted paper hub; daily-papers sync)"
	if o.Contact != "" {
		ua = "Quire (self-hosted paper hub; daily-papers sync; " + o.Contact + ")"
	}
	return &Client{endpoint: u, o: o, ua: ua}, nil
}

// Day is one day of the upstream list.
type Day struct {
	Papers  []*quire.Paper
	Entries []*quire.DailyEntry
	// Malformed counts items that could not be read; Problems says why
	// (at most a few).
	Malformed int
	Problems  []error
}

// maxProblems bounds Day.Problems.
const maxProblems = 5

// FetchDay returns the upstream's list of day. Items that cannot be read
// are counted and skipped, so one bad item does not lose the day; a
// response that is not a JSON array fails the day.
func (c *Client) FetchDay(ctx context.Context, day time.Time) (*Day, error) {
	d := &Day{}
	seen := make(map[string]bool)
	for page := 0; page < maxPages; page++ {
		items, err := c.fetchPage(ctx, day, page)
		if err != nil {
			return nil, err
		}
		fresh := 0
		for _, raw := range items {
			p, e, err := ParseItem(raw, day)
			if err != nil {
				d.Malformed++
				if len(d.Problems) < maxProblems {
					d.Problems = append(d.Problems, err)
				}
				continue
			}
			if seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			fresh++
			d.Papers = append(d.Papers, p)
			d.Entries = append(d.Entries, e)
		}
		// A short page is the last; so is a page with nothing new, from
		// an upstream that does not page.
		if len(items) < pageLimit || fresh == 0 {
			break
		}
	}
	return d, nil
}

func (c *Client) fetchPage(ctx context.Context, day time.Time, page int) ([]json.RawMessage, error) {
	u := *c.endpoint
	q := u.Query()
	q.Set("date", day.Format(quire.DayLayout))
	q.Set("limit", strconv.Itoa(pageLimit))
	if page > 0 {
		q.Set("p", strconv.Itoa(page))
	}
	u.RawQuery = q.Encode()
	body, err := c.get(ctx, u.String())
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, fmt.Errorf("upstream daily papers %s: %w", day.Format(quire.DayLayout),
			jsonError("the response (a JSON array of papers was expected)", err))
	}
	return items, nil
}

// retryable is a failure worth another try, after a wait when the server
// asked for one.
type retryable struct {
	err   error
	after time.Duration
}

func (e *retryable) Error() string { return e.err.Error() }

// get fetches u, retrying transient failures with exponential backoff.
func (c *Client) get(ctx context.Context, u string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		body, err := c.getOnce(ctx, u)
		var r *retryable
		if err == nil || !errors.As(err, &r) {
			return body, err
		}
		if attempt >= c.o.Retries {
			return nil, fmt.Errorf("upstream daily papers: %w (after %d attempts)", r.err, attempt+1)
		}
		d := retry.Backoff(c.o.Backoff, attempt+1)
		if r.after > 0 {
			d = r.after
		}
		if err := retry.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// getOnce sends one request, spaced from the previous one.
func (c *Client) getOnce(ctx context.Context, u string) ([]byte, error) {
	if err := c.space(ctx); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	resp, err := c.o.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &retryable{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, &retryable{err: fmt.Errorf("reading the response: %w", err)}
	case len(body) > maxBody:
		return nil, fmt.Errorf("upstream daily papers: the response is larger than %d bytes", maxBody)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusOK:
		return body, nil
	case s == http.StatusTooManyRequests || s >= 500:
		return nil, &retryable{err: fmt.Errorf("the upstream answered %s", resp.Status),
			after: retryAfter(resp.Header.Get("Retry-After"))}
	default:
		return nil, fmt.Errorf("upstream daily papers: %s answered %s", c.endpoint.Host, resp.Status)
	}
}

// space waits until MinInterval has passed since the last request.
func (c *Client) space(ctx context.Context) error {
	c.mu.Lock()
	next := c.last.Add(c.o.MinInterval)
	now := time.Now()
	if next.Before(now) {
		next = now
	}
	c.last = next
	c.mu.Unlock()
	return retry.SleepUntil(ctx, next)
}

// maxRetryAfter caps a server's request to wait, so a wrong header cannot
// stall the sync for days.
const maxRetryAfter = 10 * time.Minute

// retryAfter reads a Retry-After header (see retry.After), capped at
// maxRetryAfter; 0 when it is absent or unreadable.
func retryAfter(v string) time.Duration {
	d, _ := retry.After(v)
	return min(d, maxRetryAfter)
}
