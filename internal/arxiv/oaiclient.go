package arxiv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"quire"
	"quire/internal/retry"
)

// DefaultOAIURL is the base URL of arXiv's OAI-PMH interface.
const DefaultOAIURL = "https://oaipmh.arxiv.org/oai"

// Defaults of HarvesterOptions.
const (
	DefaultOAITimeout       = 2 * time.Minute
	DefaultOAIMinInterval   = 3 * time.Second
	DefaultOAIMaxAttempts   = 5
	DefaultOAIBackoff       = 5 * time.Second
	DefaultOAIMaxRetryAfter = 10 * time.Minute
)

const (
	// maxOAIBody bounds a response body. arXiv sends up to a few thousand
	// records a page, a few kilobytes each.
	maxOAIBody = 64 << 20
	// maxRestarts bounds the restarts from the last datestamp after an
	// expired token within one Harvest, so that a repository that refuses
	// every token cannot keep the harvest going round.
	maxRestarts = 3
	// checkpointSaveTimeout bounds saving a checkpoint after the caller's
	// context is done: the page is stored, and recording that is cheap.
	checkpointSaveTimeout = 10 * time.Second
)

// HarvesterOptions configure a Harvester. Zero values select the defaults.
type HarvesterOptions struct {
	// BaseURL is the OAI-PMH base URL, DefaultOAIURL by default.
	BaseURL string
	// Prefix is the metadataPrefix, PrefixArXiv or PrefixArXivRaw (the
	// default, as it carries versions).
	Prefix string
	// Set restricts the harvest to an OAI set such as "cs" or
	// "physics:hep-th"; "" harvests all of arXiv.
	Set string
	// From and Until bound the records' datestamps, "YYYY-MM-DD",
	// inclusive; "" leaves that end open.
	From, Until string
	// HTTPClient sends the requests; http.DefaultClient by default.
	HTTPClient *http.Client
	// Timeout bounds each attempt, body included (DefaultOAITimeout).
	Timeout time.Duration
	// UserAgent replaces the whole User-Agent header; by default it is
	// DefaultUserAgent(Contact).
	UserAgent string
	// Contact is a URL or e-mail address where arXiv can reach whoever
	// runs this Quire instance.
	Contact string
	// MinInterval is the least time between the end of one request and
	// the start of the next (DefaultOAIMinInterval).
	MinInterval time.Duration
	// MaxAttempts bounds the attempts per page, the first included
	// (DefaultOAIMaxAttempts).
	MaxAttempts int
	// Backoff is the base delay before a retry after a network error, a
	// server error or a truncated body; it doubles with each failure, with
	// jitter (DefaultOAIBackoff).
	Backoff time.Duration
	// MaxRetryAfter is the longest Retry-After waited for; when arXiv asks
	// for a longer pause the harvest stops with ErrUnreachable, and its
	// checkpoint lets a later run resume (DefaultOAIMaxRetryAfter).
	MaxRetryAfter time.Duration
	// Sleep waits for d or until ctx is done; every pause of the harvester
	// goes through it. By default it uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Harvester harvests arXiv's OAI-PMH interface with ListRecords, following
// resumption tokens and keeping to arXiv's flow control. One harvest runs
// at a time per Harvester.
type Harvester struct {
	baseURL       string
	prefix        string
	set           string
	from, until   string
	http          *http.Client
	timeout       time.Duration
	userAgent     string
	minInterval   time.Duration
	maxAttempts   int
	backoff       time.Duration
	maxRetryAfter time.Duration
	sleep         func(ctx context.Context, d time.Duration) error
	// next is the earliest time the next request may start.
	next time.Time
}

// NewHarvester returns a harvester with opts. It fails, with an error of
// kind quire.ErrInvalid, when an option is malformed.
func NewHarvester(opts HarvesterOptions) (*Harvester, error) {
	if opts.Timeout < 0 || opts.MinInterval < 0 || opts.MaxAttempts < 0 || opts.Backoff < 0 || opts.MaxRetryAfter < 0 {
		return nil, quire.Invalidf("arXiv harvester: timeout, interval, attempts, backoff and retry-after limit must not be negative")
	}
	h := &Harvester{
		baseURL:       cmp.Or(opts.BaseURL, DefaultOAIURL),
		prefix:        cmp.Or(opts.Prefix, PrefixArXivRaw),
		set:           strings.TrimSpace(opts.Set),
		from:          strings.TrimSpace(opts.From),
		until:         strings.TrimSpace(opts.Until),
		http:          opts.HTTPClient,
		timeout:       cmp.Or(opts.Timeout, DefaultOAITimeout),
		userAgent:     opts.UserAgent,
		minInterval:   cmp.Or(opts.MinInterval, DefaultOAIMinInterval),
		maxAttempts:   cmp.Or(opts.MaxAttempts, DefaultOAIMaxAttempts),
		backoff:       cmp.Or(opts.Backoff, DefaultOAIBackoff),
		maxRetryAfter: cmp.Or(opts.MaxRetryAfter, DefaultOAIMaxRetryAfter),
		sleep:         opts.Sleep,
	}
	u, err := url.Parse(h.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, quire.Invalidf("arXiv harvester: base URL %s is not an http(s) URL without query", quote(h.baseURL))
	}
	if h.prefix != PrefixArXiv && h.prefix != PrefixArXivRaw {
		return nil, quire.Invalidf("arXiv harvester: metadata format %s cannot be read; use %s or %s", quote(h.prefix), PrefixArXiv, PrefixArXivRaw)
	}
	if !validSet(h.set) {
		return nil, quire.Invalidf("arXiv harvester: %s is not an OAI set such as cs or physics:hep-th", quote(h.set))
	}
	for _, d := range []struct{ name, v string }{{"from", h.from}, {"until", h.until}} {
		if _, err := time.Parse(datestampLayout, d.v); d.v != "" && err != nil {
			return nil, quire.Invalidf("arXiv harvester: %s date %q is not of the form YYYY-MM-DD", d.name, clipString(d.v))
		}
	}
	if h.from != "" && h.until != "" && h.from > h.until {
		return nil, quire.Invalidf("arXiv harvester: from %s is after until %s", h.from, h.until)
	}
	if h.http == nil {
		h.http = http.DefaultClient
	}
	if h.userAgent == "" {
		h.userAgent = DefaultUserAgent(opts.Contact)
	}
	if h.sleep == nil {
		h.sleep = retry.Sleep
	}
	return h, nil
}

// validSet reports whether s is "" or a setSpec: colon-separated parts of
// letters, digits and -._!~*'() (the OAI-PMH unreserved characters).
func validSet(s string) bool {
	if len(s) > 100 {
		return false
	}
	for part := range strings.SplitSeq(s, ":") {
		if part == "" && s != "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !isLetter(c) && !isDigit(c) && !strings.ContainsRune("-_.!~*'()", rune(c)) {
				return false
			}
		}
	}
	return true
}

// Start returns the checkpoint of a new harvest of the harvester's set,
// format and dates.
func (h *Harvester) Start() Checkpoint {
	return Checkpoint{Set: h.set, Prefix: h.prefix, From: h.from, Until: h.until}
}

// PageFunc receives each page of a harvest with the checkpoint that
// follows it. It should store the page's papers and deletions, then the
// checkpoint (in one transaction where the store allows); an error stops
// the harvest, which the previous checkpoint then resumes at this page.
type PageFunc func(ctx context.Context, page *OAIPage, next Checkpoint) error

// Harvest runs the harvest that cp describes, from its resumption token if
// it has one, and calls fn with each page until the list is complete. It
// returns the checkpoint after the last page fn accepted. A checkpoint
// that is already Done is returned as is.
//
// An expired or refused token (badResumptionToken) restarts the list from
// cp.LastDatestamp: arXiv lists records in datestamp order, so nothing
// earlier is missed, and records of that day come again. noRecordsMatch
// ends the harvest with an empty page.
//
// Errors: *OAIError for other OAI-PMH errors (badArgument and
// cannotDisseminateFormat are of kind quire.ErrInvalid); ErrUnreachable and
// ErrBadResponse as for APIClient.Fetch; fn's error; ctx's error when ctx
// is done between pages or during a request.
func (h *Harvester) Harvest(ctx context.Context, cp Checkpoint, fn PageFunc) (Checkpoint, error) {
	if err := cp.validate(); err != nil {
		return cp, err
	}
	if cp.Done() {
		return cp, nil
	}
	// The loop ends on a page without a token, not on cp.Done: a restart
	// clears the token of a checkpoint that has pages.
	for restarts := 0; ; {
		if err := ctx.Err(); err != nil {
			return cp, fmt.Errorf("arXiv harvest: %w", err)
		}
		page, err := h.fetch(ctx, h.query(&cp))
		switch {
		case errors.Is(err, ErrBadResumptionToken) && cp.Token != "" && restarts < maxRestarts:
			restarts++
			cp.Token = ""
			cp.From = max(cp.From, cp.LastDatestamp)
			continue
		case errors.Is(err, ErrNoRecordsMatch) && cp.Token == "":
			page = &OAIPage{Token: ResumptionToken{Cursor: -1, CompleteListSize: -1}}
		case err != nil:
			return cp, err
		}
		next := cp
		next.Token = page.Token.Value
		next.Pages++
		next.Records += page.Records
		next.LastDatestamp = max(next.LastDatestamp, page.LastDatestamp)
		if err := fn(ctx, page, next); err != nil {
			return cp, err
		}
		cp = next
		if cp.Token == "" {
			return cp, nil
		}
	}
}

// Run harvests with the checkpoint kept in s under CheckpointKey: it
// resumes an interrupted harvest, continues a finished one incrementally
// from its last datestamp (Checkpoint.Next), or starts the harvester's own
// harvest when none is saved. fn stores each page's papers; the checkpoint
// is saved after fn returns nil, even if ctx is done by then, since the
// page is stored.
func (h *Harvester) Run(ctx context.Context, s Settings, fn func(ctx context.Context, page *OAIPage) error) (Checkpoint, error) {
	key := CheckpointKey(h.prefix, h.set)
	cp, err := LoadCheckpoint(ctx, s, key)
	switch {
	case isNotFound(err):
		cp = h.Start()
	case err != nil:
		return cp, err
	case cp.Done():
		cp = cp.Next()
	}
	return h.Harvest(ctx, cp, func(ctx context.Context, page *OAIPage, next Checkpoint) error {
		if err := fn(ctx, page); err != nil {
			return err
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkpointSaveTimeout)
		defer cancel()
		return SaveCheckpoint(sctx, s, key, next)
	})
}

// query returns the request for cp's next page. A resumption token is the
// request's only argument besides the verb, as OAI-PMH requires.
func (h *Harvester) query(cp *Checkpoint) string {
	v := url.Values{"verb": {"ListRecords"}}
	if cp.Token != "" {
		v.Set("resumptionToken", cp.Token)
		return h.baseURL + "?" + v.Encode()
	}
	v.Set("metadataPrefix", cp.Prefix)
	for _, p := range []struct{ k, v string }{{"set", cp.Set}, {"from", cp.From}, {"until", cp.Until}} {
		if p.v != "" {
			v.Set(p.k, p.v)
		}
	}
	return h.baseURL + "?" + v.Encode()
}

// fetch gets and parses one page, retrying transient failures.
func (h *Harvester) fetch(ctx context.Context, u string) (*OAIPage, error) {
	for attempt := 1; ; attempt++ {
		page, err := h.attempt(ctx, u)
		var te *transientError
		if !errors.As(err, &te) {
			return page, err
		}
		switch {
		case te.hasAfter && te.after > h.maxRetryAfter:
			return nil, &unreachableError{detail: fmt.Sprintf("%v; arXiv asked to wait %v before retrying", te.err, te.after)}
		case attempt >= h.maxAttempts && errors.Is(te.err, ErrTruncated):
			return nil, &badResponseError{cause: fmt.Errorf("%d attempt(s) failed, the last with: %w", attempt, te.err)}
		case attempt >= h.maxAttempts:
			return nil, &unreachableError{detail: fmt.Sprintf("%d attempt(s) failed, the last with %v", attempt, te.err)}
		}
		// A Retry-After is arXiv's flow control (OAI-PMH 3.5): wait what
		// it asks, no less. Other failures back off.
		wait := retry.Backoff(h.backoff, attempt)
		if te.hasAfter {
			wait = te.after
		}
		if err := h.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("arXiv harvest: %w", err)
		}
	}
}

// attempt makes one request and sorts the outcome: a page, a final error,
// or a *transientError worth retrying.
func (h *Harvester) attempt(ctx context.Context, u string) (*OAIPage, error) {
	status, body, err := h.get(ctx, u)
	if err != nil {
		return nil, err
	}
	page, err := ParseListRecords(body)
	var oaiErr *OAIError
	switch {
	case errors.As(err, &oaiErr):
		return nil, oaiErr
	case status != http.StatusOK:
		return nil, &badResponseError{cause: fmt.Errorf("HTTP status %d %s", status, http.StatusText(status))}
	case errors.Is(err, ErrTruncated):
		return nil, &transientError{err: err}
	case err != nil:
		return nil, &badResponseError{cause: err}
	}
	return page, nil
}

// get sends one request, spaced from the previous one, and reads the
// response. Network errors, timeouts and answers that mean "busy" come
// back as *transientError.
func (h *Harvester) get(ctx context.Context, u string) (status int, body []byte, err error) {
	if wait := time.Until(h.next); wait > 0 {
		if err := h.sleep(ctx, wait); err != nil {
			return 0, nil, fmt.Errorf("arXiv harvest: %w", err)
		}
	}
	defer func() { h.next = time.Now().Add(h.minInterval) }()

	return get(ctx, h.http, h.timeout, u, h.userAgent, "text/xml, application/xml", maxOAIBody, "arXiv harvest")
}
