package web

import (
	"bytes"
	"context"
	"embed"
	htmltemplate "html/template"
	netmail "net/mail"
	"strconv"
	texttemplate "text/template"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/mail"
)

// Account mail: the address confirmation sent at sign-up (and again on
// request) and the password-reset link. Both carry a bound, expiring
// token (auth.Signer.SignBound): the confirmation is bound to the address,
// so a link sent to an old address cannot confirm a new one; the reset is
// bound to the password hash, so it works once.

//go:embed mail
var mailFS embed.FS

var (
	mailText = texttemplate.Must(texttemplate.ParseFS(mailFS, "mail/*.txt"))
	mailHTML = htmltemplate.Must(htmltemplate.ParseFS(mailFS, "mail/*.html"))
)

// How long account links stay valid.
const (
	verifyLinkTTL = 48 * time.Hour
	resetLinkTTL  = time.Hour
)

// accountMail is the data of the mail templates.
type accountMail struct {
	Username, Email, Site, Link, Valid string
}

// mailOn reports whether the site can send mail.
func (c *community) mailOn() bool { return c.opts.Mail != nil }

// verifyLink returns the absolute address-confirmation link for a.
func (h *Handler) verifyLink(a *quire.Account) string {
	t := h.comm.signer.SignBound(auth.PurposeVerifyEmail, strconv.FormatInt(a.ID, 10), a.Email, h.now().Add(verifyLinkTTL))
	return h.comm.opts.BaseURL + "/account/verify?t=" + t
}

// resetLink returns the absolute password-reset link for a.
func (h *Handler) resetLink(a *quire.Account) string {
	t := h.comm.signer.SignBound(auth.PurposeResetPassword, strconv.FormatInt(a.ID, 10), a.PasswordHash, h.now().Add(resetLinkTTL))
	return h.comm.opts.BaseURL + "/password/reset?t=" + t
}

// sendAccountMail sends the template name ("verify" or "reset") to a.
func (h *Handler) sendAccountMail(ctx context.Context, a *quire.Account, name, subject, link string, valid time.Duration) error {
	data := accountMail{Username: a.Username, Email: a.Email, Site: h.comm.opts.BaseURL, Link: link, Valid: humanDuration(valid)}
	return h.sendMail(ctx, netmail.Address{Name: a.Username, Address: a.Email}, name, subject, data)
}

// sendMail sends the mail templates name.txt and name.html, executed with
// data, to one address. It waits for the SMTP server's answer, within a
// bound, so that the page can say whether the message went out.
func (h *Handler) sendMail(ctx context.Context, to netmail.Address, name, subject string, data any) error {
	var text, html bytes.Buffer
	if err := mailText.ExecuteTemplate(&text, name+".txt", data); err != nil {
		return err
	}
	if err := mailHTML.ExecuteTemplate(&html, name+".html", data); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return h.comm.opts.Mail.Send(ctx, &mail.Message{
		From:    h.comm.opts.MailFrom,
		To:      to,
		Subject: subject,
		Text:    text.String(),
		HTML:    html.String(),
	})
}

// errMailFailed is what a page says when the SMTP server could not take a
// message; the cause goes to the log.
var errMailFailed = quire.Invalidf("The e-mail could not be sent just now. Please try again in a few minutes.")
