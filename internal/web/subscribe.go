package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"

	"quire"
	"quire/internal/auth"
	"quire/internal/digest"
	"quire/internal/httperr"
)

// Digest subscriptions need no account: anyone may ask for digests at an
// address, and the owner of the address confirms by following the link
// mailed to it (double opt-in). The form answers the same whatever the
// address's state, so that it tells nobody who is subscribed; the mail
// says the rest.

// SubscribePage is the data of subscribe.html: the subscription form
// (Mode "form"), the answer to it ("sent"), the page of a confirmation
// link ("confirm") and its outcome ("done"), or the news that the
// subscription has ended since the link was sent ("ended").
type SubscribePage struct {
	BasePage
	Mode string
	CSRF string
	Form SubscriptionForm
	// MailOff says the site sends no mail, so it has no digests.
	MailOff bool
	Error   string
	Notice  string
	// Link is a confirmation link's token, carried on by its button;
	// ManageHref leads to the preferences of a confirmed subscription.
	Link       string
	ManageHref string
}

// SubscriptionForm holds the fields of the subscription and preferences
// forms as typed, to show them again with an error.
type SubscriptionForm struct {
	Email string
	// Frequency is "daily" or "weekly".
	Frequency string
	Query     string
	// Categories are comma separated; Authors one per line (or comma
	// separated).
	Categories string
	Authors    string
}

// readSubscriptionForm reads the fields of a posted subscription form.
func readSubscriptionForm(r *http.Request) SubscriptionForm {
	return SubscriptionForm{
		Email:      strings.TrimSpace(r.PostFormValue("email")),
		Frequency:  r.PostFormValue("frequency"),
		Query:      r.PostFormValue("query"),
		Categories: r.PostFormValue("categories"),
		Authors:    r.PostFormValue("authors"),
	}
}

// subscription returns the subscription the form asks for, not yet
// checked (see quire.PrepareSubscription).
func (f SubscriptionForm) subscription() *quire.Subscription {
	return &quire.Subscription{
		Email:     f.Email,
		Frequency: quire.Frequency(f.Frequency),
		Topics: quire.Topics{
			Query: f.Query,
			Categories: strings.FieldsFunc(f.Categories, func(r rune) bool {
				return r == ',' || r == ';' || unicode.IsSpace(r)
			}),
			// Not split at spaces: a name has several words.
			Authors: strings.FieldsFunc(f.Authors, func(r rune) bool {
				return r == ',' || r == ';' || r == '\n'
			}),
		},
	}
}

// subscriptionForm fills the form with a stored subscription.
func subscriptionForm(s *quire.Subscription) SubscriptionForm {
	return SubscriptionForm{
		Email:      s.Email,
		Frequency:  string(s.Frequency),
		Query:      s.Topics.Query,
		Categories: strings.Join(s.Topics.Categories, ", "),
		Authors:    strings.Join(s.Topics.Authors, "\n"),
	}
}

func (h *Handler) subscribePage(r *http.Request, mode string) *SubscribePage {
	title := "Get the digest by e-mail"
	if mode == "confirm" || mode == "done" {
		title = "Confirm your subscription"
	}
	return &SubscribePage{
		BasePage: h.base(title, "Trending papers, and the papers of your topics, in your inbox.", ""),
		Mode:     mode,
		CSRF:     h.comm.csrf.Token(r),
		MailOff:  !h.comm.mailOn(),
		Form:     SubscriptionForm{Frequency: string(quire.Daily)},
	}
}

// subscribeForm serves GET /subscribe: the form, with the address given
// in the header's box (or the signed-in member's) filled in.
func (h *Handler) subscribeForm(w http.ResponseWriter, r *http.Request) error {
	page := h.subscribePage(r, "form")
	if page.MailOff {
		return h.render(w, r, http.StatusServiceUnavailable, "subscribe.html", page)
	}
	page.Form.Email = strings.TrimSpace(r.URL.Query().Get("email"))
	if a := currentAccount(r); a != nil && page.Form.Email == "" {
		page.Form.Email = a.Email
	}
	if len(page.Form.Email) > quire.MaxEmailLen {
		page.Form.Email = ""
	}
	return h.render(w, r, http.StatusOK, "subscribe.html", page)
}

// sentNoticeDigest is the one answer to the subscription form, whatever
// the state of the address.
const sentNoticeDigest = "Check your inbox: a message is on its way to %s. Open its link to confirm your subscription (or, if the address is subscribed already, to change it). Nothing is sent without that confirmation."

// subscribe serves POST /subscribe: it records the request and mails the
// confirmation link, or, to an address subscribed already, the link to
// its preferences.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) error {
	page := h.subscribePage(r, "form")
	page.Form = readSubscriptionForm(r)
	if page.MailOff {
		return h.render(w, r, http.StatusServiceUnavailable, "subscribe.html", page)
	}
	fail := func(status int, err error) error {
		if quire.UserMessage(err) == "" {
			return err
		}
		page.Error = quire.UserMessage(err)
		if rl := (*rateLimited)(nil); errors.As(err, &rl) {
			h.setRetryAfter(w, rl)
		}
		return h.render(w, r, status, "subscribe.html", page)
	}
	s, err := quire.PrepareSubscription(page.Form.subscription())
	if err != nil {
		return fail(http.StatusBadRequest, err)
	}
	ctx := r.Context()
	if err := allow(ctx, h.comm.mailIP, h.comm.clientIP.Key(r)); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	if err := allow(ctx, h.comm.mailTo, "email:"+s.Email); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	s.CreatedAt, s.UpdatedAt = h.now(), h.now()
	stored, err := h.comm.store.Subscribe(ctx, s)
	if err != nil {
		return fail(httperr.Status(err), err)
	}
	if err := h.sendSubscriptionMail(ctx, stored); err != nil {
		h.logger.Error("sending a subscription mail", "subscription", stored.ID, "error", err)
		return fail(http.StatusBadGateway, errMailFailed)
	}
	page.Mode = "sent"
	page.Notice = fmt.Sprintf(sentNoticeDigest, s.Email)
	return h.render(w, r, http.StatusOK, "subscribe.html", page)
}

// sendSubscriptionMail mails the subscriber what the form's answer
// promises: the confirmation link to a subscription that waits for one,
// the preferences link to an active one. A suppressed address gets
// nothing: mail to it has failed for good.
func (h *Handler) sendSubscriptionMail(ctx context.Context, s *quire.Subscription) error {
	data := subscriptionMail{Email: s.Email, Site: h.comm.opts.BaseURL, Schedule: schedule(s.Frequency)}
	var name, subject string
	switch {
	case !s.SuppressedAt.IsZero():
		h.logger.Info("not mailing a suppressed address", "subscription", s.ID)
		return nil
	case s.Active():
		name, subject = "already", "You are already subscribed to the digest"
		data.Link = h.comm.links.Manage(s.ID)
	default:
		name, subject = "subscribe", "Confirm your subscription to the digest"
		data.Link = h.comm.links.Confirm(s.ID)
		data.Valid = strconv.Itoa(int(digest.ConfirmTTL/(24*time.Hour))) + " days"
	}
	return h.sendMail(ctx, netmail.Address{Address: s.Email}, name, subject, data)
}

// subscriptionMail is the data of the subscription mail templates.
type subscriptionMail struct {
	Email, Site, Link, Valid, Schedule string
}

// schedule says when digests of frequency f arrive.
func schedule(f quire.Frequency) string {
	if f == quire.Weekly {
		return "every Monday, with the papers of the week before"
	}
	return "every weekday, with the papers of the day before"
}

// linkedSubscription returns the subscription that a signed link of
// purpose names. Its errors carry a message for the reader: auth's for a
// link that is forged, altered or expired, digest.ErrNoSubscription for
// one whose subscription is gone.
func (h *Handler) linkedSubscription(r *http.Request, token, purpose string) (*quire.Subscription, error) {
	id, err := h.comm.links.Verify(token, purpose)
	if err != nil {
		return nil, err
	}
	s, err := h.comm.store.FindSubscription(r.Context(), id)
	if errors.Is(err, quire.ErrNotFound) {
		return nil, digest.ErrNoSubscription
	}
	return s, err
}

// confirmPage serves GET /subscribe/confirm?t=…: the page of the link in
// the confirmation mail, with the button that confirms (mail scanners
// follow links, and must not subscribe anyone).
func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request) error {
	page := h.subscribePage(r, "confirm")
	token := r.URL.Query().Get("t")
	s, err := h.linkedSubscription(r, token, auth.PurposeConfirmDigest)
	if err != nil {
		return h.linkFailed(w, r, "subscribe.html", page, &page.Error, err)
	}
	page.Form = subscriptionForm(s)
	switch {
	case s.Active():
		page.Mode, page.Notice = "done", "The digest to "+s.Email+" is active already."
		page.ManageHref = h.manageHref(s.ID)
	case ended(s):
		// Unsubscribed or suppressed since the link was sent: an old link
		// does not bring it back.
		page.Mode, page.Notice = "ended", "This subscription has ended. Subscribe again to get the digest."
	default:
		page.Link = token
	}
	return h.render(w, r, http.StatusOK, "subscribe.html", page)
}

// confirm serves POST /subscribe/confirm: the confirmation itself.
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) error {
	page := h.subscribePage(r, "done")
	s, err := h.linkedSubscription(r, r.PostFormValue("t"), auth.PurposeConfirmDigest)
	if err != nil {
		page.Mode = "confirm"
		return h.linkFailed(w, r, "subscribe.html", page, &page.Error, err)
	}
	page.Form = subscriptionForm(s)
	if ended(s) {
		page.Mode, page.Notice = "ended", "This subscription has ended. Subscribe again to get the digest."
		return h.render(w, r, http.StatusOK, "subscribe.html", page)
	}
	if err := h.comm.store.ConfirmSubscription(r.Context(), s.ID, h.now()); err != nil {
		return err
	}
	page.Notice = "Thank you: the digest to " + s.Email + " is active. It arrives " + schedule(s.Frequency) + "."
	page.ManageHref = h.manageHref(s.ID)
	return h.render(w, r, http.StatusOK, "subscribe.html", page)
}

// ended reports whether s has ended: unsubscribed, or stopped because
// mail to the address failed for good.
func ended(s *quire.Subscription) bool {
	return !s.UnsubscribedAt.IsZero() || !s.SuppressedAt.IsZero()
}

// manageHref is the path of a subscription's preferences page.
func (h *Handler) manageHref(id int64) string {
	return "/subscription?t=" + h.comm.links.Token(auth.PurposeManageDigest, id)
}

// linkFailed shows the page of a signed link that did not check out, with
// the reason in *msg; an error without a message for readers is returned
// to be served as internal.
func (h *Handler) linkFailed(w http.ResponseWriter, r *http.Request, name string, page any, msg *string, err error) error {
	if quire.UserMessage(err) == "" {
		return err
	}
	*msg = quire.UserMessage(err)
	return h.render(w, r, httperr.Status(err), name, page)
}
