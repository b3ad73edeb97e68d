package web

import (
	"errors"
	"net/http"
	"strconv"

	"quire"
	"quire/internal/auth"
)

// NoticePage is the data of notice.html: a message, and at most one form
// that carries a signed link's token on with a button (links in mail only
// ever show a page, so that mail scanners that follow them change nothing).
type NoticePage struct {
	BasePage
	Heading string
	Message string
	Error   string
	// Action, when set, is the form's target; Link the token it carries,
	// Button its label.
	Action string
	CSRF   string
	Link   string
	Button string
}

func (h *Handler) notice(r *http.Request, heading string) *NoticePage {
	return &NoticePage{BasePage: h.base(heading, "", ""), Heading: heading, CSRF: h.comm.csrf.Token(r)}
}

// sendVerification mails a the link that confirms its address, and logs
// a failure (the account page offers to send it again).
func (h *Handler) sendVerification(r *http.Request, a *quire.Account) error {
	if !h.comm.mailOn() {
		return nil
	}
	err := h.sendAccountMail(r.Context(), a, "verify", "Confirm your e-mail address", h.verifyLink(a), verifyLinkTTL)
	if err != nil {
		h.logger.Error("sending an address confirmation", "account", a.ID, "error", err)
		return errMailFailed
	}
	return nil
}

// resendVerification serves POST /account/verify/send.
func (h *Handler) resendVerification(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if !a.EmailVerifiedAt.IsZero() {
		http.Redirect(w, r, "/account?verified=1", http.StatusSeeOther)
		return nil
	}
	page := h.newAccountPage(r)
	if err := allow(r.Context(), h.comm.mailTo, "account:"+quire.IDTargetID(a.ID)); err != nil {
		var rl *rateLimited
		errors.As(err, &rl)
		h.setRetryAfter(w, rl)
		page.Error = quire.UserMessage(err)
		return h.renderAccount(w, r, http.StatusTooManyRequests, page)
	}
	if !h.comm.mailOn() {
		page.Error = "This site cannot send e-mail; ask its operators to confirm your address."
		return h.renderAccount(w, r, http.StatusServiceUnavailable, page)
	}
	if err := h.sendVerification(r, a); err != nil {
		page.Error = quire.UserMessage(err)
		return h.renderAccount(w, r, http.StatusBadGateway, page)
	}
	http.Redirect(w, r, "/account?sent=1", http.StatusSeeOther)
	return nil
}

// checkVerifyLink returns the account that a confirmation link names, if
// the link is genuine, unexpired and for the account's current address.
func (h *Handler) checkVerifyLink(r *http.Request, token string) (*quire.Account, error) {
	var a *quire.Account
	_, err := h.comm.signer.VerifyBound(token, auth.PurposeVerifyEmail, h.now(), func(subject string) (string, error) {
		id, err := strconv.ParseInt(subject, 10, 64)
		if err != nil {
			return "", quire.ErrNotFound
		}
		if a, err = h.comm.store.FindAccountByID(r.Context(), id); err != nil {
			return "", err
		}
		return a.Email, nil
	})
	return a, err
}

// verifyPage serves GET /account/verify?t=…: the page of a confirmation
// link, with the button that confirms.
func (h *Handler) verifyPage(w http.ResponseWriter, r *http.Request) error {
	page := h.notice(r, "Confirm your e-mail address")
	token := r.URL.Query().Get("t")
	a, err := h.checkVerifyLink(r, token)
	switch {
	case err != nil && quire.UserMessage(err) != "":
		page.Error = quire.UserMessage(err)
		return h.render(w, r, http.StatusBadRequest, "notice.html", page)
	case err != nil:
		return err
	case !a.EmailVerifiedAt.IsZero():
		page.Message = "The address " + a.Email + " is already confirmed."
		return h.render(w, r, http.StatusOK, "notice.html", page)
	}
	page.Message = "Confirm that " + a.Email + " is the address of " + a.Username + "."
	page.Action, page.Link, page.Button = "/account/verify", token, "Confirm my address"
	return h.render(w, r, http.StatusOK, "notice.html", page)
}

// verify serves POST /account/verify: the confirmation itself.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	page := h.notice(r, "Confirm your e-mail address")
	a, err := h.checkVerifyLink(r, r.PostFormValue("t"))
	if err != nil {
		if quire.UserMessage(err) == "" {
			return err
		}
		page.Error = quire.UserMessage(err)
		return h.render(w, r, http.StatusBadRequest, "notice.html", page)
	}
	if a.EmailVerifiedAt.IsZero() {
		if err := h.comm.store.SetEmailVerified(r.Context(), a.ID, h.now()); err != nil {
			return err
		}
	}
	page.Heading = "Address confirmed"
	page.Message = "Thank you: " + a.Email + " is confirmed."
	return h.render(w, r, http.StatusOK, "notice.html", page)
}
