package web_test

import (
	"context"
	"html"
	"net/http"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/mail"
	"quire/internal/testenv"
	"quire/internal/web"
)

// mustMailServer is a community server that sends its mail to a real SMTP
// server (Mailpit) with the given options.
func mustMailServer(tb testing.TB, mpOpts testenv.MailpitOptions) (*communityServer, *testenv.Mailpit) {
	tb.Helper()
	mp := testenv.StartMailpit(tb, mpOpts)
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.Plain})
	if err != nil {
		tb.Fatal(err)
	}
	srv := mustCommunityServerWith(tb, MustOpenStore(tb), &web.CommunityOptions{
		Mail: sender, MailFrom: netmail.Address{Name: "Quire", Address: "quire@example.org"},
	})
	return srv, mp
}

var linkRE = regexp.MustCompile(`https?://\S+[?&]t=[A-Za-z0-9_-]+`)

// mustLink returns the one signed link in the newest message to addr, as
// a path on the site, checking that both parts carry it.
func mustLink(tb testing.TB, mp *testenv.Mailpit, n int, addr, subject string) string {
	tb.Helper()
	msgs := mp.WaitMessages(n)
	got := mp.Message(msgs[0].ID)
	if got.To[0].Address != addr || got.Subject != subject {
		tb.Fatalf("newest message: to %v, subject %q; want %s, %q", got.To, got.Subject, addr, subject)
	}
	link := linkRE.FindString(got.Text)
	if link == "" {
		tb.Fatalf("no link in the text part:\n%s", got.Text)
	}
	if !strings.Contains(html.UnescapeString(got.HTML), `href="`+link+`"`) {
		tb.Errorf("the HTML part does not link to %s:\n%s", link, got.HTML)
	}
	u, err := url.Parse(link)
	if err != nil {
		tb.Fatal(err)
	}
	return u.RequestURI()
}

// TestVerifyEmail follows the confirmation sent at sign-up: the link's
// page changes nothing until its button is pressed.
func TestVerifyEmail(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	link := mustLink(t, mp, 1, "ada@example.org", "Confirm your e-mail address")
	if r := b.Get("/account"); !strings.Contains(r.body, "(not confirmed)") {
		t.Fatalf("account page before confirming:\n%s", r.body)
	}

	// Any visitor may follow the link (it is the proof), as from a mail
	// client in another browser.
	other := srv.NewBrowser(t)
	r := other.Get(link)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Confirm my address") {
		t.Fatalf("GET %s: %d\n%s", link, r.status, r.body)
	}
	if a := mustAccount(t, srv, "ada"); !a.EmailVerifiedAt.IsZero() {
		t.Fatal("opening the link confirmed the address")
	}
	token := strings.TrimPrefix(link, "/account/verify?t=")
	if r := other.Submit(link, "/account/verify", url.Values{"t": {token}}); r.status != http.StatusOK || !strings.Contains(r.body, "is confirmed") {
		t.Fatalf("confirming: %d\n%s", r.status, r.body)
	}
	if a := mustAccount(t, srv, "ada"); !a.EmailVerifiedAt.Equal(srv.clock.Now()) {
		t.Errorf("EmailVerifiedAt = %v, want %v", a.EmailVerifiedAt, srv.clock.Now())
	}
	if r := b.Get("/account"); !strings.Contains(r.body, "(confirmed)") || strings.Contains(r.body, "Send the confirmation link again") {
		t.Errorf("account page after confirming:\n%s", r.body)
	}
	if r := other.Get(link); !strings.Contains(r.body, "already confirmed") {
		t.Errorf("the link again: %d\n%s", r.status, r.body)
	}

	// A forged or altered link confirms nothing.
	for _, bad := range []string{token[:len(token)-2] + "xx", "", "not-a-token", strings.Repeat("A", 5000)} {
		r := other.Submit("/login", "/account/verify", url.Values{"t": {bad}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "not valid") {
			t.Errorf("token %.20q: %d\n%s", bad, r.status, r.body)
		}
	}
}

// TestVerifyEmailExpires refuses a confirmation link after 48 hours and
// lets the account ask for a new one, a few times an hour.
func TestVerifyEmailExpires(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	link := mustLink(t, mp, 1, "ada@example.org", "Confirm your e-mail address")
	srv.clock.Advance(49 * time.Hour)
	if r := b.Get(link); r.status != http.StatusBadRequest || !strings.Contains(r.body, "expired") {
		t.Fatalf("an old link: %d\n%s", r.status, r.body)
	}
	for i := range 3 {
		if r := b.Submit("/account", "/account/verify/send", nil); r.status != http.StatusSeeOther {
			t.Fatalf("send again #%d: %d\n%s", i+1, r.status, r.body)
		}
	}
	r := b.Submit("/account", "/account/verify/send", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("fourth request in an hour: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	fresh := mustLink(t, mp, 4, "ada@example.org", "Confirm your e-mail address")
	if r := b.Get(fresh); r.status != http.StatusOK || !strings.Contains(r.body, "Confirm my address") {
		t.Errorf("the new link: %d\n%s", r.status, r.body)
	}
}

// TestPasswordReset asks for a link, sets a new password with it, and
// checks that the link works once, that it logged every session out, and
// that the form does not tell which addresses have accounts.
func TestPasswordReset(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	mp.WaitMessages(1) // the confirmation

	visitor := srv.NewBrowser(t)
	unknown := visitor.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@example.org"}})
	known := visitor.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ADA@example.org"}})
	if unknown.status != http.StatusOK || known.status != http.StatusOK || !strings.Contains(known.body, "If an account has that address") {
		t.Fatalf("reset requests: unknown %d, known %d\n%s", unknown.status, known.status, known.body)
	}
	if strip(unknown.body) != strip(known.body) {
		t.Error("the answers for a known and an unknown address differ")
	}
	link := mustLink(t, mp, 2, "ada@example.org", "Reset your password")
	if n := len(mp.Messages()); n != 2 {
		t.Errorf("%d messages; the unknown address must get none", n)
	}

	r := visitor.Get(link)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="password"`) {
		t.Fatalf("GET %s: %d\n%s", link, r.status, r.body)
	}
	token := strings.TrimPrefix(link, "/password/reset?t=")
	if r := visitor.Submit(link, "/password/reset", url.Values{"t": {token}, "password": {"short"}}); r.status != http.StatusBadRequest {
		t.Errorf("a weak password: %d", r.status)
	}
	r = visitor.Submit(link, "/password/reset", url.Values{"t": {token}, "password": {"a new long passphrase"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?reset=1" {
		t.Fatalf("reset: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if r := ada.Get("/account"); r.status != http.StatusSeeOther {
		t.Errorf("ada's old session still opens /account: %d", r.status)
	}
	if r := visitor.Get(link); r.status != http.StatusBadRequest || !strings.Contains(r.body, "already been used") {
		t.Errorf("the link a second time: %d\n%s", r.status, r.body)
	}
	login := func(pw string) int {
		return srv.NewBrowser(t).Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {pw}}).status
	}
	if got := login("correct horse battery"); got != http.StatusUnauthorized {
		t.Errorf("log-in with the old password: %d", got)
	}
	if got := login("a new long passphrase"); got != http.StatusSeeOther {
		t.Errorf("log-in with the new password: %d", got)
	}
	if a := mustAccount(t, srv, "ada"); a.EmailVerifiedAt.IsZero() {
		t.Error("a reset through the mailed link did not confirm the address")
	}

	// An hour later a fresh link has expired.
	visitor.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ada@example.org"}})
	late := mustLink(t, mp, 3, "ada@example.org", "Reset your password")
	srv.clock.Advance(61 * time.Minute)
	if r := visitor.Get(late); r.status != http.StatusBadRequest || !strings.Contains(r.body, "expired") {
		t.Errorf("a link after an hour: %d\n%s", r.status, r.body)
	}
}

// TestPasswordResetRefusals: a server that refuses the message, a site
// without mail, and too many requests for one address.
func TestPasswordResetRefusals(t *testing.T) {
	t.Run("smtp refuses", func(t *testing.T) {
		srv, _ := mustMailServer(t, testenv.MailpitOptions{Chaos: "Recipient:451:100"})
		b := srv.NewBrowser(t)
		b.MustSignUp("ada") // its confirmation fails too, and is only logged
		r := b.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ada@example.org"}})
		if r.status != http.StatusBadGateway || !strings.Contains(r.body, "could not be sent") {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})
	t.Run("no mail", func(t *testing.T) {
		srv := MustCommunityServer(t, MustOpenStore(t), nil)
		b := srv.NewBrowser(t)
		if r := b.Get("/password/forgot"); !strings.Contains(r.body, "cannot send e-mail") || strings.Contains(r.body, `name="email"`) {
			t.Errorf("the form without mail:\n%s", r.body)
		}
		r := b.Submit("/login", "/password/forgot", url.Values{"email": {"ada@example.org"}})
		if r.status != http.StatusServiceUnavailable {
			t.Errorf("POST without mail: %d", r.status)
		}
	})
	t.Run("per address", func(t *testing.T) {
		srv, mp := mustMailServer(t, testenv.MailpitOptions{})
		srv.NewBrowser(t).MustSignUp("ada")
		statuses := []int{}
		for range 4 {
			// A new visitor each time: the limit is per address too.
			r := srv.NewBrowser(t).Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ada@example.org"}})
			statuses = append(statuses, r.status)
		}
		if want := []int{200, 200, 200, 429}; !equalInts(statuses, want) {
			t.Errorf("statuses %v, want %v", statuses, want)
		}
		if n := len(mp.WaitMessages(4)); n != 4 {
			t.Errorf("%d messages, want the confirmation and 3 resets", n)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var tokenValueRE = regexp.MustCompile(`value="[^"]*"`)

// strip removes form tokens, which differ between any two pages.
func strip(body string) string { return tokenValueRE.ReplaceAllString(body, `value=""`) }

func mustAccount(tb testing.TB, srv *communityServer, name string) *quire.Account {
	tb.Helper()
	a, err := srv.db.FindAccountByUsername(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
