package arxiv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire"
	"quire/internal/retry"
)

// DefaultAPIURL is the query method of the arXiv API.
const DefaultAPIURL = "https://export.arxiv.org/api/query"

// Defaults of APIOptions.
const (
	DefaultAPITimeout     = 15 * time.Second
	DefaultAPIMinInterval = 3 * time.Second
	DefaultAPIMaxAttempts = 4
	DefaultAPIBackoff     = 2 * time.Second
	DefaultMaxRetryAfter  = time.Minute
)

const (
	// maxIDsPerRequest bounds the id_list of one request; longer lists are
	// sent in several requests, each spaced like any other.
	maxIDsPerRequest = 50
	// maxFetchIDs bounds one Fetch call, which holds the client for
	// len(ids)/maxIDsPerRequest × MinInterval at least.
	maxFetchIDs = 500
	// maxAPIBody bounds a response body; an entry is a few kilobytes.
	maxAPIBody = 8 << 20
)

// APIOptions configure an APIClient. Zero values select the defaults.
type APIOptions struct {
	// BaseURL is the API's query endpoint, DefaultAPIURL by default.
	BaseURL string
	// HTTPClient sends the requests; http.DefaultClient by default. Its
	// own Timeout, if any, applies in addition to Timeout.
	HTTPClient *http.Client
	// Timeout bounds each attempt, from sending the request to reading the
	// whole body (DefaultAPITimeout).
	Timeout time.Duration
	// UserAgent replaces the whole User-Agent header. Leave it empty to
	// send "Quire (research-paper hub; +Contact)".
	UserAgent string
	// Contact is a URL or e-mail address where arXiv can reach the
	// operator of this Quire instance, put in the default User-Agent.
	Contact string
	// MinInterval is the least time between the end of one request and the
	// start of the next, across all goroutines using the client
	// (DefaultAPIMinInterval, arXiv's rule).
	MinInterval time.Duration
	// MaxAttempts bounds the attempts per request, the first included
	// (DefaultAPIMaxAttempts).
	MaxAttempts int
	// Backoff is the base delay before a retry; it doubles with each
	// failure, with jitter (DefaultAPIBackoff).
	Backoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; when
	// arXiv asks for a longer pause the fetch fails with ErrUnreachable
	// (DefaultMaxRetryAfter).
	MaxRetryAfter time.Duration
}

// APIClient fetches papers from the arXiv API. It is safe for concurrent
// use; share one per process, since the spacing of requests that arXiv
// asks for is kept per client.
type APIClient struct {
	baseURL       string
	http          *http.Client
	timeout       time.Duration
	userAgent     string
	maxAttempts   int
	backoff       time.Duration
	maxRetryAfter time.Duration
	gate          *apiGate
}

// NewAPIClient returns a client with opts. It fails, with an error of kind
// quire.ErrInvalid, when BaseURL is not an http(s) URL or a duration or
// count is negative.
func NewAPIClient(opts APIOptions) (*APIClient, error) {
	if opts.Timeout < 0 || opts.MinInterval < 0 || opts.MaxAttempts < 0 || opts.Backoff < 0 || opts.MaxRetryAfter < 0 {
		return nil, quire.Invalidf("arXiv API client: timeout, interval, attempts, backoff and retry-after limit must not be negative")
	}
	c := &APIClient{
		baseURL:       cmp.Or(opts.BaseURL, DefaultAPIURL),
		http:          opts.HTTPClient,
		timeout:       cmp.Or(opts.Timeout, DefaultAPITimeout),
		userAgent:     opts.UserAgent,
		maxAttempts:   cmp.Or(opts.MaxAttempts, DefaultAPIMaxAttempts),
		backoff:       cmp.Or(opts.Backoff, DefaultAPIBackoff),
		maxRetryAfter: cmp.Or(opts.MaxRetryAfter, DefaultMaxRetryAfter),
		gate:          newAPIGate(cmp.Or(opts.MinInterval, DefaultAPIMinInterval)),
	}
	u, err := url.Parse(c.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, quire.Invalidf("arXiv API client: base URL %s is not an http(s) URL without query", quote(c.baseURL))
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent(opts.Contact)
	}
	return c, nil
}

// DefaultUserAgent is the User-Agent an APIClient sends unless told
// otherwise. arXiv asks API users to identify themselves, so it names the
// software and, when given, how to reach whoever runs it.
func DefaultUserAgent(contact string) string {
	contact = quire.OneLine(contact)
	if contact == "" {
		return "Quire (research-paper hub; no contact configured)"
	}
	return "Quire (research-paper hub; +" + contact + ")"
}

// Fetch returns the papers with the given identifiers, in the order given,
// at their latest version. Identifiers may take any form ParseID accepts;
// they are checked before anything is sent, so an unusable one is an error
// of kind quire.ErrInvalid and no request is made. Repeated identifiers are
// fetched once, and a version in an identifier is dropped: the catalogue
// keeps the latest version.
//
// Errors:
//   - quire.ErrNotFound when arXiv has no paper for some identifier; the
//     papers that were found are returned with it.
//   - *APIError when arXiv refuses the query (of kind quire.ErrInvalid when
//     it refuses an identifier).
//   - ErrUnreachable after MaxAttempts failed attempts, and ErrBadResponse
//     when the answer cannot be read; both are of kind quire.ErrUnavailable.
//   - ctx's error when ctx is done first.
func (c *APIClient) Fetch(ctx context.Context, ids ...string) ([]*quire.Paper, error) {
	want, err := requestIDs(ids)
	if err != nil {
		return nil, err
	}
	found := make(map[string]*quire.Paper, len(want))
	for batch := range slices.Chunk(want, maxIDsPerRequest) {
		feed, err := c.query(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, p := range feed.Papers {
			if found[p.ID] == nil && slices.Contains(batch, p.ID) {
				found[p.ID] = p
			}
		}
	}
	papers := make([]*quire.Paper, 0, len(want))
	var missing []string
	for _, id := range want {
		if p := found[id]; p != nil {
			papers = append(papers, p)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return papers, notFoundError(missing)
	}
	return papers, nil
}

// requestIDs validates ids and returns their canonical forms, without
// versions or repeats, in the order given.
func requestIDs(ids []string) ([]string, error) {
	switch {
	case len(ids) == 0:
		return nil, quire.Invalidf("no arXiv identifier given")
	case len(ids) > maxFetchIDs:
		return nil, quire.Invalidf("%d arXiv identifiers given; at most %d can be fetched at once", len(ids), maxFetchIDs)
	}
	out := make([]string, 0, len(ids))
	for _, s := range ids {
		id, _, err := ParseID(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// query asks for the papers in batch, retrying transient failures.
func (c *APIClient) query(ctx context.Context, batch []string) (*APIFeed, error) {
	// Canonical ids hold only letters, digits, '.', '-' and '/', and ','
	// and '/' may stand unescaped in a query, so the list is sent as
	// arXiv documents it rather than percent-encoded by url.Values.
	u := c.baseURL + "?id_list=" + strings.Join(batch, ",") + "&max_results=" + strconv.Itoa(len(batch))
	for attempt := 1; ; attempt++ {
		feed, err := c.attempt(ctx, u)
		var te *transientError
		if !errors.As(err, &te) {
			return feed, err
		}
		switch {
		case te.hasAfter && te.after > c.maxRetryAfter:
			return nil, &unreachableError{detail: fmt.Sprintf("%v; arXiv asked to wait %v before retrying", te.err, te.after)}
		case attempt >= c.maxAttempts:
			return nil, &unreachableError{detail: fmt.Sprintf("%d attempt(s) failed, the last with %v", attempt, te.err)}
		}
		// A Retry-After is kept by the gate, which holds the next request
		// until then; the backoff runs meanwhile.
		if err := retry.Sleep(ctx, retry.Backoff(c.backoff, attempt)); err != nil {
			return nil, fmt.Errorf("arXiv API request: %w", err)
		}
	}
}

// attempt makes one request and sorts the outcome: a feed, a final error,
// or a *transientError worth retrying.
func (c *APIClient) attempt(ctx context.Context, u string) (*APIFeed, error) {
	status, body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	feed, err := ParseAPIFeed(body)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		apiErr.Status = status
		return nil, apiErr
	case status != http.StatusOK:
		return nil, &badResponseError{cause: fmt.Errorf("HTTP status %d %s", status, http.StatusText(status))}
	case err != nil:
		return nil, &badResponseError{cause: err}
	}
	return feed, nil
}

// get sends one request through the gate and reads the response. Network
// errors, timeouts and answers that mean "busy" come back as
// *transientError.
func (c *APIClient) get(ctx context.Context, u string) (status int, body []byte, err error) {
	if err := c.gate.acquire(ctx, c.maxRetryAfter); err != nil {
		return 0, nil, err
	}
	var notBefore time.Time
	defer func() { c.gate.release(notBefore) }()

	status, body, err = get(ctx, c.http, c.timeout, u, c.userAgent, "application/atom+xml", maxAPIBody, "arXiv API request")
	var te *transientError
	if errors.As(err, &te) && te.hasAfter {
		notBefore = time.Now().Add(te.after)
	}
	return status, body, err
}

// busy tells whether a response says to come back later, and why: 429, a
// server error, or the bare "Rate exceeded." that arXiv's front end sends
// when it throttles, whatever the status. It returns "" for other responses.
func busy(status int, body []byte) string {
	switch {
	case len(body) < 64 && strings.EqualFold(strings.TrimSpace(string(body)), "Rate exceeded."):
		return fmt.Sprintf("HTTP status %d with %q", status, "Rate exceeded.")
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Sprintf("HTTP status %d %s", status, http.StatusText(status))
	}
	return ""
}
