// Package digest builds the e-mail digests of trending papers and of each
// subscriber's topics, queues them in the store's outbox and delivers them
// exactly once, even when a node dies in the middle of a run.
package digest

import (
	"strconv"
	"strings"
	"time"

	"quire"
	"quire/internal/auth"
)

// How long the signed links in digest mail stay valid. The links in a
// digest (preferences, unsubscribe, web view) must outlive the mail in
// inboxes; the confirmation only needs to outlive a slow reader.
const (
	ConfirmTTL = 7 * 24 * time.Hour
	LinkTTL    = 2 * 365 * 24 * time.Hour
)

// Links makes and checks the signed links of subscription mail. The web
// pages answer them; the digests carry them.
type Links struct {
	// Base is the site's public URL, without a trailing slash.
	Base   string
	Signer *auth.Signer
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (l *Links) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func (l *Links) sign(purpose string, id int64, ttl time.Duration) string {
	return l.Signer.Sign(purpose, strconv.FormatInt(id, 10), l.now().Add(ttl))
}

// Token returns the signed token that links of purpose carry for id (a
// subscription, or a digest for auth.PurposeViewDigest).
func (l *Links) Token(purpose string, id int64) string {
	ttl := LinkTTL
	if purpose == auth.PurposeConfirmDigest {
		ttl = ConfirmTTL
	}
	return l.sign(purpose, id, ttl)
}

// Confirm is the link of the confirmation mail.
func (l *Links) Confirm(subscriptionID int64) string {
	return l.Base + "/subscribe/confirm?t=" + l.Token(auth.PurposeConfirmDigest, subscriptionID)
}

// Manage is the link to a subscriber's preferences.
func (l *Links) Manage(subscriptionID int64) string {
	return l.Base + "/subscription?t=" + l.Token(auth.PurposeManageDigest, subscriptionID)
}

// Unsubscribe is the one-click unsubscribe link (RFC 8058: a POST to it
// unsubscribes; a GET shows a page with a button).
func (l *Links) Unsubscribe(subscriptionID int64) string {
	return l.Base + "/unsubscribe?t=" + l.Token(auth.PurposeUnsubscribe, subscriptionID)
}

// View is the stable address of a digest's web view.
func (l *Links) View(digestID int64) string {
	return l.Base + "/digests/" + strconv.FormatInt(digestID, 10) + "?t=" + l.Token(auth.PurposeViewDigest, digestID)
}

// Verify checks a token of purpose and returns the ID it names. Its errors
// are auth's (of kind quire.ErrInvalid, with a message for the reader).
func (l *Links) Verify(token, purpose string) (int64, error) {
	subject, err := l.Signer.Verify(strings.TrimSpace(token), purpose, l.now())
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, auth.ErrTokenInvalid
	}
	return id, nil
}

// ErrNoSubscription is what a valid link to a subscription that is gone
// says.
var ErrNoSubscription = quire.NotFoundf("This subscription no longer exists.")
