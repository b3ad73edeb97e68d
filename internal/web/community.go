package web

import (
	"context"
	"errors"
	"net/http"
	netmail "net/mail"
	"net/netip"
	"strings"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/digest"
	"quire/internal/mail"
)

// Community is the part of quire.Store that accounts, votes, submissions,
// comments and digest subscriptions use.
type Community interface {
	quire.CommunityStore
	quire.SubscriptionStore
	quire.DigestStore
	UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error)
}

// PaperFetcher fetches papers missing from the catalogue (arxiv.APIClient).
type PaperFetcher interface {
	Fetch(ctx context.Context, ids ...string) ([]*quire.Paper, error)
}

// CommunityOptions turn on accounts: sign-up, log-in, votes, submissions
// and comments.
type CommunityOptions struct {
	// Store keeps accounts, sessions and everything they do; its rate-limit
	// counters are shared by every node.
	Store Community
	// Secret keys the form tokens; at least auth.MinSecretBytes, the same
	// on every node.
	Secret []byte
	// Secure says the site is served over HTTPS: cookies get the Secure
	// flag and the __Host- prefix.
	Secure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for limits per address.
	TrustedProxies []netip.Prefix
	// NewAccountDelay is how old an account must be to vote or submit.
	NewAccountDelay time.Duration
	// SubmitMaxAge is the oldest arXiv date a submitted paper may have
	// (zero: 14 days); SubmitPerDay how many papers an account may submit
	// for one day (zero: 5).
	SubmitMaxAge time.Duration
	SubmitPerDay int
	// ArXiv fetches submitted papers that the catalogue lacks; nil means
	// only papers already in the catalogue can be submitted.
	ArXiv PaperFetcher
	// Mail sends address confirmations, password resets and digest
	// subscription confirmations from MailFrom; nil means the site sends
	// no mail (no reset by e-mail, no digest subscriptions).
	Mail     mail.Sender
	MailFrom netmail.Address
	// BaseURL is the site's public URL, for the links in mail.
	BaseURL string
}

// community is the state of the account features.
type community struct {
	store  Community
	csrf   *auth.CSRF
	signer *auth.Signer
	// links makes and checks the signed links of subscription mail.
	links    *digest.Links
	secure   bool
	clientIP auth.ClientIP
	opts     CommunityOptions

	signupIP, loginIP, loginUser, password, vote, submit, comment, mailIP, mailTo auth.Limiter
}

// Rate limits. Log-in attempts are limited per address and per account, so
// that neither one address trying many accounts nor many addresses trying
// one account get far.
var limits = []struct {
	name   string
	limit  int
	window time.Duration
}{
	{"signup-ip", 5, time.Hour},
	{"login-ip", 20, 10 * time.Minute},
	{"login-user", 10, 15 * time.Minute},
	{"password", 10, 15 * time.Minute},
	{"vote", 60, time.Minute},
	{"submit", 20, time.Hour},
	{"comment", 10, 10 * time.Minute},
	// Account mail: per client address, and per recipient (an account or
	// an e-mail address), so that nobody fills a stranger's inbox.
	{"mail-ip", 10, time.Hour},
	{"mail-to", 3, time.Hour},
}

func newCommunity(o CommunityOptions, h *Handler) (*community, error) {
	if o.Store == nil {
		return nil, errors.New("web: CommunityOptions.Store is nil")
	}
	if o.SubmitMaxAge == 0 {
		o.SubmitMaxAge = quire.DefaultSubmitMaxAge
	}
	if o.SubmitPerDay == 0 {
		o.SubmitPerDay = quire.DefaultSubmitPerDay
	}
	c := &community{store: o.Store, secure: o.Secure, clientIP: auth.ClientIP{TrustedProxies: o.TrustedProxies}, opts: o}
	csrf, err := auth.NewCSRF(o.Secret, auth.CSRFOptions{
		Secure:    o.Secure,
		SessionID: sessionToken,
		Deny: func(w http.ResponseWriter, r *http.Request, err error) {
			h.serveStatus(w, r, http.StatusForbidden, "Request refused", auth.DenyMessage(err))
		},
	})
	if err != nil {
		return nil, err
	}
	c.csrf = csrf
	ls := make([]auth.Limiter, len(limits))
	for i, l := range limits {
		// The handler's clock, so that windows follow Options.Now.
		ls[i] = &auth.CounterLimiter{Counter: o.Store, Name: l.name, Limit: l.limit, Window: l.window, Now: h.now}
	}
	c.signupIP, c.loginIP, c.loginUser, c.password, c.vote, c.submit, c.comment, c.mailIP, c.mailTo = ls[0], ls[1], ls[2], ls[3], ls[4], ls[5], ls[6], ls[7], ls[8]
	if c.signer, err = auth.NewSigner(o.Secret); err != nil {
		return nil, err
	}
	c.opts.BaseURL = strings.TrimRight(o.BaseURL, "/")
	c.links = &digest.Links{Base: c.opts.BaseURL, Signer: c.signer, Now: h.now}
	if o.Mail != nil && o.MailFrom.Address == "" {
		return nil, errors.New("web: CommunityOptions.Mail needs MailFrom")
	}
	return c, nil
}

// rateLimited is the refusal of a limiter, of kind quire.ErrRateLimited,
// with the time to wait for the Retry-After header.
type rateLimited struct {
	err   error
	retry time.Duration
}

func (e *rateLimited) Error() string { return e.err.Error() }
func (e *rateLimited) Unwrap() error { return e.err }

// allow asks l about key and returns a *rateLimited when it refuses.
func allow(ctx context.Context, l auth.Limiter, key string) error {
	ok, retry, err := l.Allow(ctx, key)
	if err != nil {
		return err
	}
	if !ok {
		return &rateLimited{err: quire.RateLimitedf("%s", auth.RetryMessage(retry)), retry: retry}
	}
	return nil
}
