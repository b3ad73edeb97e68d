package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quire"
	"quire/internal/auth"
)

// PasswordPage is the data of password.html: the form that asks for a
// reset link ("forgot") and the one that sets the new password ("reset").
type PasswordPage struct {
	BasePage
	Mode  string
	CSRF  string
	Link  string // the reset link's token
	Email string
	// MailOff says the site cannot send mail, so the form is not shown.
	MailOff bool
	Error   string
	Notice  string
}

func (h *Handler) passwordPage(r *http.Request, mode string) *PasswordPage {
	title := "Forgot your password?"
	if mode == "reset" {
		title = "Choose a new password"
	}
	return &PasswordPage{BasePage: h.base(title, "", ""), Mode: mode, CSRF: h.comm.csrf.Token(r), MailOff: !h.comm.mailOn()}
}

// sentNotice is the one answer to a reset request, whether or not an
// account has the address, so that the form does not tell which do.
const sentNotice = "If an account has that address, a link to choose a new password is on its way. It is valid for one hour."

// forgotPage serves GET /password/forgot.
func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "password.html", h.passwordPage(r, "forgot"))
}

// forgot serves POST /password/forgot: it mails a reset link to the
// account with the address given, if there is one.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) error {
	page := h.passwordPage(r, "forgot")
	page.Email = strings.TrimSpace(r.PostFormValue("email"))
	if page.MailOff {
		return h.render(w, r, http.StatusServiceUnavailable, "password.html", page)
	}
	fail := func(status int, err error) error {
		page.Error = quire.UserMessage(err)
		if rl := (*rateLimited)(nil); errors.As(err, &rl) {
			h.setRetryAfter(w, rl)
		}
		return h.render(w, r, status, "password.html", page)
	}
	email, err := quire.NormalizeEmail(page.Email)
	if err != nil {
		return fail(http.StatusBadRequest, err)
	}
	ctx := r.Context()
	// Per address as well as per client, so that nobody can fill a
	// stranger's inbox from many addresses.
	if err := allow(ctx, h.comm.mailIP, h.comm.clientIP.Key(r)); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	if err := allow(ctx, h.comm.mailTo, "email:"+email); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	a, err := h.comm.store.FindAccountByEmail(ctx, email)
	switch {
	case errors.Is(err, quire.ErrNotFound):
	case err != nil:
		return err
	case a.Disabled():
		// Disabled accounts cannot log in, so a new password is no use.
	default:
		if err := h.sendAccountMail(ctx, a, "reset", "Reset your password", h.resetLink(a), resetLinkTTL); err != nil {
			h.logger.Error("sending a password reset", "account", a.ID, "error", err)
			return fail(http.StatusBadGateway, errMailFailed)
		}
	}
	page.Notice = sentNotice
	return h.render(w, r, http.StatusOK, "password.html", page)
}

// checkResetLink returns the account of a reset link that is genuine,
// unexpired and unused (the password has not changed since).
func (h *Handler) checkResetLink(r *http.Request, token string) (*quire.Account, error) {
	var a *quire.Account
	_, err := h.comm.signer.VerifyBound(token, auth.PurposeResetPassword, h.now(), func(subject string) (string, error) {
		id, err := strconv.ParseInt(subject, 10, 64)
		if err != nil {
			return "", quire.ErrNotFound
		}
		if a, err = h.comm.store.FindAccountByID(r.Context(), id); err != nil {
			return "", err
		}
		return a.PasswordHash, nil
	})
	if err == nil && a.Disabled() {
		return nil, quire.Unauthorizedf("This account is disabled.")
	}
	return a, err
}

// resetPage serves GET /password/reset?t=…: the new-password form.
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) error {
	page := h.passwordPage(r, "reset")
	page.Link = r.URL.Query().Get("t")
	if _, err := h.checkResetLink(r, page.Link); err != nil {
		if quire.UserMessage(err) == "" {
			return err
		}
		page.Error, page.Link = quire.UserMessage(err), ""
		return h.render(w, r, http.StatusBadRequest, "password.html", page)
	}
	return h.render(w, r, http.StatusOK, "password.html", page)
}

// reset serves POST /password/reset: the new password replaces the old
// one, every session of the account ends, and the visitor logs in anew.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	page := h.passwordPage(r, "reset")
	page.Link = r.PostFormValue("t")
	a, err := h.checkResetLink(r, page.Link)
	if err != nil {
		if quire.UserMessage(err) == "" {
			return err
		}
		page.Error, page.Link = quire.UserMessage(err), ""
		return h.render(w, r, http.StatusBadRequest, "password.html", page)
	}
	pw := r.PostFormValue("password")
	if err := auth.ValidatePassword(pw); err != nil {
		page.Error = userText(err)
		return h.render(w, r, http.StatusBadRequest, "password.html", page)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.comm.store.SetPasswordHash(ctx, a.ID, hash); err != nil {
		return err
	}
	if err := h.comm.store.DeleteAccountSessions(ctx, a.ID, nil); err != nil {
		return err
	}
	// Following the link proved the address too.
	if a.EmailVerifiedAt.IsZero() {
		if err := h.comm.store.SetEmailVerified(ctx, a.ID, h.now()); err != nil {
			return err
		}
	}
	if v := currentViewer(r); v != nil && v.account.ID == a.ID {
		h.comm.clearSessionCookie(w)
	}
	http.Redirect(w, r, "/login?reset=1", http.StatusSeeOther)
	return nil
}
