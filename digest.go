package quire

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// E-mail digests: subscriptions (double opt-in, no account needed) and the
// outbox of digests, one row per subscriber and period, written before any
// mail goes out and marked sent only once the SMTP server has the message.

// Frequency is how often a subscriber gets a digest.
type Frequency string

const (
	// Daily digests go out on weekdays, with the previous day's papers.
	Daily Frequency = "daily"
	// Weekly digests go out on Mondays, with the previous ISO week's.
	Weekly Frequency = "weekly"
)

// ParseFrequency reads a frequency from a form or the command line.
func ParseFrequency(s string) (Frequency, error) {
	switch f := Frequency(strings.ToLower(strings.TrimSpace(s))); f {
	case Daily, Weekly:
		return f, nil
	}
	return "", Invalidf("%q is not a digest frequency; choose daily or weekly.", clip(s))
}

// Topics are what a subscriber follows besides the trending papers: a
// saved search (the search box's syntax), arXiv categories and authors.
type Topics struct {
	Query      string   `json:"query,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Authors    []string `json:"authors,omitempty"`
}

// Limits on topics.
const (
	MaxTopicQueryLen  = 200
	MaxTopicItems     = 10 // categories, and authors, each
	MaxTopicAuthorLen = 100
)

// Empty reports whether t follows nothing.
func (t Topics) Empty() bool {
	return t.Query == "" && len(t.Categories) == 0 && len(t.Authors) == 0
}

// NormalizeTopics trims, deduplicates and checks t: the categories must
// look like arXiv's ("cs.CL", "hep-th"), nothing may hold control
// characters, and each list is bounded.
func NormalizeTopics(t Topics) (Topics, error) {
	var out Topics
	out.Query = strings.TrimSpace(t.Query)
	if len(out.Query) > MaxTopicQueryLen || !utf8.ValidString(out.Query) || hasControl(out.Query) {
		return Topics{}, Invalidf("A topic search has at most %d characters, on one line.", MaxTopicQueryLen)
	}
	for _, c := range t.Categories {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(out.Categories, c) {
			continue
		}
		if !isCategory(c) {
			return Topics{}, Invalidf("%q is not an arXiv category such as cs.CL or hep-th.", clip(c))
		}
		out.Categories = append(out.Categories, c)
	}
	for _, a := range t.Authors {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || slices.ContainsFunc(out.Authors, func(b string) bool { return strings.EqualFold(a, b) }) {
			continue
		}
		if len(a) > MaxTopicAuthorLen || !utf8.ValidString(a) || hasControl(a) {
			return Topics{}, Invalidf("An author's name has at most %d characters.", MaxTopicAuthorLen)
		}
		out.Authors = append(out.Authors, a)
	}
	if len(out.Categories) > MaxTopicItems || len(out.Authors) > MaxTopicItems {
		return Topics{}, Invalidf("Follow at most %d categories and %d authors.", MaxTopicItems, MaxTopicItems)
	}
	return out, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
}

// isCategory reports whether s looks like an arXiv category: an archive
// ("hep-th", "math") and, optionally, a dot and a subject class ("CL",
// "AP", "quant-gas").
func isCategory(s string) bool {
	if len(s) > 32 {
		return false
	}
	archive, class, dotted := strings.Cut(s, ".")
	ok := func(part string) bool {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
				return false
			}
		}
		return true
	}
	return ok(archive) && (!dotted || ok(class))
}

// Subscription is one address's digest subscription.
type Subscription struct {
	ID        int64
	Email     string
	Frequency Frequency
	Topics    Topics
	// ConfirmedAt is zero until the address owner follows the link in the
	// confirmation mail; UnsubscribedAt is set once they leave, and
	// SuppressedAt when mail to the address keeps failing for good.
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	SuppressedAt   time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Active reports whether s gets digests.
func (s *Subscription) Active() bool {
	return !s.ConfirmedAt.IsZero() && s.UnsubscribedAt.IsZero() && s.SuppressedAt.IsZero()
}

// PrepareSubscription returns a normalised copy of s (address in lower
// case, topics normalised, frequency checked), or an error of kind
// ErrInvalid that says what is wrong.
func PrepareSubscription(s *Subscription) (*Subscription, error) {
	out := *s
	var err error
	if out.Email, err = NormalizeEmail(s.Email); err != nil {
		return nil, err
	}
	if out.Frequency, err = ParseFrequency(string(s.Frequency)); err != nil {
		return nil, err
	}
	if out.Topics, err = NormalizeTopics(s.Topics); err != nil {
		return nil, err
	}
	return &out, nil
}

// DigestPeriod names the period a digest covers: "daily:2026-11-26" (one
// day) or "weekly:2026-W48" (an ISO week).
type DigestPeriod struct {
	Frequency Frequency
	// Start and End bound the papers' days: [Start, End), midnight UTC.
	Start, End time.Time
}

// Key is the period's stable name, unique per frequency.
func (p DigestPeriod) Key() string {
	if p.Frequency == Weekly {
		y, w := p.Start.ISOWeek()
		return fmt.Sprintf("weekly:%04d-W%02d", y, w)
	}
	return "daily:" + p.Start.Format(DayLayout)
}

// PeriodBefore returns the period that a digest sent on day covers: for
// daily digests the previous weekday's list (Monday's digest covers
// Friday... through Sunday, so nothing of the weekend is missed), for
// weekly ones the previous ISO week.
func PeriodBefore(f Frequency, day time.Time) DigestPeriod {
	d := TruncateDay(day)
	if f == Weekly {
		monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
		return DigestPeriod{Frequency: Weekly, Start: monday.AddDate(0, 0, -7), End: monday}
	}
	start := d.AddDate(0, 0, -1)
	for start.Weekday() == time.Saturday || start.Weekday() == time.Sunday {
		start = start.AddDate(0, 0, -1)
	}
	return DigestPeriod{Frequency: Daily, Start: start, End: d}
}

// DigestStatus is where a digest is in its delivery.
type DigestStatus string

const (
	// DigestPending: queued, or waiting for a retry at NextAttemptAt.
	DigestPending DigestStatus = "pending"
	// DigestSending: claimed by a node until LeaseUntil; once the lease
	// has passed, another node may claim it again.
	DigestSending DigestStatus = "sending"
	// DigestSent: the SMTP server has the message.
	DigestSent DigestStatus = "sent"
	// DigestFailed: given up after a permanent refusal or too many tries.
	DigestFailed DigestStatus = "failed"
)

// Digest is one row of the outbox: the digest of one subscription for one
// period, with the papers chosen for it when it was queued, so that a
// retry sends the same message and its web view stays the same.
type Digest struct {
	ID             int64
	SubscriptionID int64
	// Email is the subscription's address, filled when read.
	Email     string
	PeriodKey string
	// PaperIDs are the digest's papers in order: Trending first, then
	// each topic's matches (Sections says how many in each).
	PaperIDs []string
	Sections []DigestSection
	Status   DigestStatus
	Attempts int
	// NextAttemptAt is when a pending digest may be tried (again).
	NextAttemptAt time.Time
	LeaseUntil    time.Time
	LastError     string
	MessageID     string
	SentAt        time.Time
	CreatedAt     time.Time
}

// DigestSection is a titled run of a digest's papers.
type DigestSection struct {
	Title string `json:"title"`
	Count int    `json:"count"`
}

// MaxDigestPapers bounds the papers of one digest.
const MaxDigestPapers = 100

// DigestRunStats counts a period's digests by status.
type DigestRunStats struct {
	Pending, Sending, Sent, Failed int
}

// SubscriptionStore keeps subscriptions.
type SubscriptionStore interface {
	// Subscribe records a request to subscribe s.Email (see
	// PrepareSubscription) and returns the subscription as stored. A new
	// address, or one that is pending or has unsubscribed, gets s's
	// frequency and topics and is (again) pending confirmation; an active
	// subscription is returned unchanged, so that nobody can change
	// another person's preferences by typing their address. Never a
	// second row for one address.
	Subscribe(ctx context.Context, s *Subscription) (*Subscription, error)
	// FindSubscription returns a subscription by ID, or an error of kind
	// ErrNotFound.
	FindSubscription(ctx context.Context, id int64) (*Subscription, error)
	// FindSubscriptionByEmail returns the subscription of an address
	// (matched whatever its case), or an error of kind ErrNotFound.
	FindSubscriptionByEmail(ctx context.Context, email string) (*Subscription, error)
	// ConfirmSubscription makes a pending subscription active at at;
	// confirming an active one changes nothing.
	ConfirmSubscription(ctx context.Context, id int64, at time.Time) error
	// UpdateSubscription replaces a subscription's frequency and topics
	// (normalised as by PrepareSubscription).
	UpdateSubscription(ctx context.Context, id int64, f Frequency, t Topics) error
	// Unsubscribe ends a subscription at at; its queued digests are not
	// sent. Unsubscribing twice changes nothing.
	Unsubscribe(ctx context.Context, id int64, at time.Time) error
	// ListActiveSubscriptions returns at most limit active subscriptions
	// of frequency f with IDs above afterID, in ID order.
	ListActiveSubscriptions(ctx context.Context, f Frequency, afterID int64, limit int) ([]*Subscription, error)
}

// DigestStore keeps the outbox. Claims are atomic across nodes: two nodes
// never hold the same digest at once (PostgreSQL: FOR UPDATE SKIP LOCKED).
type DigestStore interface {
	// EnqueueDigests stores new digests (Status pending, NextAttemptAt
	// their CreatedAt or now) in one transaction, and records their papers
	// as given to their subscribers (see FindGivenPapers). A digest whose
	// (SubscriptionID, PeriodKey) is stored already is left as it is. It
	// returns how many were new.
	EnqueueDigests(ctx context.Context, digests []*Digest) (int, error)
	// FindGivenPapers reports which of paperIDs a subscription has had in
	// an earlier digest.
	FindGivenPapers(ctx context.Context, subscriptionID int64, paperIDs []string) (map[string]bool, error)
	// ClaimDigests claims at most limit digests that are due at now:
	// pending ones whose NextAttemptAt has come, and sending ones whose
	// lease has passed (their node died). Each becomes sending until
	// now+lease with Attempts one higher. Digests of subscriptions that
	// are no longer active are not claimed.
	ClaimDigests(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Digest, error)
	// MarkDigestSent records that digest id, which must be sending, was
	// handed over with messageID at at.
	MarkDigestSent(ctx context.Context, id int64, messageID string, at time.Time) error
	// RetryDigest puts a digest back to pending until next, with the
	// error that stopped it.
	RetryDigest(ctx context.Context, id int64, next time.Time, lastError string) error
	// FailDigest gives a digest up with its error; suppress also
	// suppresses its subscription (no more digests to the address).
	FailDigest(ctx context.Context, id int64, lastError string, suppress bool, at time.Time) error
	// FindDigest returns a digest by ID, or an error of kind ErrNotFound.
	FindDigest(ctx context.Context, id int64) (*Digest, error)
	// DigestStats counts the digests of a period by status.
	DigestStats(ctx context.Context, periodKey string) (DigestRunStats, error)
}
