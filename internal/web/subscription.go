package web

import (
	"net/http"
	"net/url"

	"quire"
	"quire/internal/auth"
)

// SubscriptionPage is the data of subscription.html: a subscriber's
// preferences (Mode "manage"), the page of an unsubscribe link with its
// button ("unsubscribe"), and the end of a subscription ("unsubscribed").
// Every one is reached through a signed link from a mail, which is the
// only proof of the address it needs.
type SubscriptionPage struct {
	BasePage
	Mode string
	CSRF string
	// Link is the preferences link's token, carried on by the form.
	Link string
	Form SubscriptionForm
	// Pending says the subscription waits for its confirmation; Ended
	// that it has ended (unsubscribed, or stopped because mail to the
	// address failed for good).
	Pending bool
	Ended   bool
	// UnsubscribeAction is the target of the unsubscribe button;
	// SubscribeHref leads to the form that subscribes the address again.
	UnsubscribeAction string
	SubscribeHref     string
	Error             string
	Notice            string
}

func (h *Handler) subscriptionPage(r *http.Request, mode string) *SubscriptionPage {
	title := "Your digest"
	if mode != "manage" {
		title = "Unsubscribe"
	}
	return &SubscriptionPage{BasePage: h.base(title, "", ""), Mode: mode}
}

// fill shows subscription s on the page.
func (p *SubscriptionPage) fill(h *Handler, s *quire.Subscription) {
	p.Form = subscriptionForm(s)
	p.Pending = s.ConfirmedAt.IsZero()
	p.Ended = ended(s)
	p.UnsubscribeAction = "/unsubscribe?t=" + url.QueryEscape(h.comm.links.Token(auth.PurposeUnsubscribe, s.ID))
	p.SubscribeHref = "/subscribe?" + url.Values{"email": {s.Email}}.Encode()
}

// managePage serves GET /subscription?t=…: the preferences form.
func (h *Handler) managePage(w http.ResponseWriter, r *http.Request) error {
	page := h.subscriptionPage(r, "manage")
	page.CSRF = h.comm.csrf.Token(r)
	token := r.URL.Query().Get("t")
	s, err := h.linkedSubscription(r, token, auth.PurposeManageDigest)
	if err != nil {
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	page.Link = token
	page.fill(h, s)
	return h.render(w, r, http.StatusOK, "subscription.html", page)
}

// manage serves POST /subscription: new preferences replace the old.
func (h *Handler) manage(w http.ResponseWriter, r *http.Request) error {
	page := h.subscriptionPage(r, "manage")
	page.CSRF = h.comm.csrf.Token(r)
	token := r.PostFormValue("t")
	s, err := h.linkedSubscription(r, token, auth.PurposeManageDigest)
	if err != nil {
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	page.Link = token
	page.fill(h, s)
	if page.Ended {
		page.Error = "This subscription has ended, so it has no preferences to change. Subscribe again to get the digest."
		return h.render(w, r, http.StatusConflict, "subscription.html", page)
	}
	form := readSubscriptionForm(r)
	form.Email = s.Email
	page.Form = form
	want, err := quire.PrepareSubscription(form.subscription())
	if err != nil {
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	if err := h.comm.store.UpdateSubscription(r.Context(), s.ID, want.Frequency, want.Topics); err != nil {
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	s.Frequency, s.Topics = want.Frequency, want.Topics
	page.fill(h, s)
	page.Notice = "Your preferences are saved: the digest arrives " + schedule(s.Frequency) + "."
	return h.render(w, r, http.StatusOK, "subscription.html", page)
}

// unsubscribePage serves GET /unsubscribe?t=…: the page of the link in
// every digest, with the button that unsubscribes. Following the link
// changes nothing, so that mail scanners unsubscribe nobody.
func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	privateNoStore(w)
	page := h.subscriptionPage(r, "unsubscribe")
	s, err := h.linkedSubscription(r, r.URL.Query().Get("t"), auth.PurposeUnsubscribe)
	if err != nil {
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	page.fill(h, s)
	if page.Ended {
		page.Mode = "unsubscribed"
		page.Notice = s.Email + " gets no digests: it is unsubscribed."
	}
	return h.render(w, r, http.StatusOK, "subscription.html", page)
}

// unsubscribe serves POST /unsubscribe?t=…: the page's button, and the
// one-click unsubscription of RFC 8058, which mail clients send with the
// body "List-Unsubscribe=One-Click" and no cookies. The signed token is
// the proof, so the request needs neither session nor form token (the
// route is not wrapped in form). Unsubscribing twice is no error.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	privateNoStore(w)
	page := h.subscriptionPage(r, "unsubscribed")
	s, err := h.linkedSubscription(r, r.URL.Query().Get("t"), auth.PurposeUnsubscribe)
	if err != nil {
		page.Mode = "unsubscribe"
		return h.linkFailed(w, r, "subscription.html", page, &page.Error, err)
	}
	if err := h.comm.store.Unsubscribe(r.Context(), s.ID, h.now()); err != nil {
		return err
	}
	page.fill(h, s)
	page.Notice = s.Email + " is unsubscribed: it gets no more digests."
	return h.render(w, r, http.StatusOK, "subscription.html", page)
}
