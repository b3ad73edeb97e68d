package cli

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"quire/internal/testenv"
)

// TestBrowserDigest drives headless Chromium through a subscription: the
// header box, the form, the confirmation link from the mail (read back from
// a real SMTP server), then `quire digest run` delivers the digest, and the
// one-click unsubscribe POST named in its List-Unsubscribe header ends the
// subscription.
func TestBrowserDigest(t *testing.T) {
	mp := testenv.StartMailpit(t, testenv.MailpitOptions{})
	cfg := testConfig(t)
	cfg.NoDemo = false // the demo's lists, up to Friday 2026-08-21
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPSecurity = mp.SMTPHost, mp.SMTPPort, "none"
	cfg.MailFrom = "Quire <digest@quire.example>"
	// The links in mail carry the site's address, known before it starts.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = l.Addr().String()
	l.Close()
	srv := MustStartServer(t, cfg)
	b := testenv.StartBrowser(t)

	// The header box, then the full form.
	b.Navigate(srv.URL() + "/")
	b.Find("#digest-email").SendKeys("reader@example.org")
	b.Find(`form.digest-bar button[type=submit]`).Click()
	b.Wait("the subscribe form", func() bool { return strings.Contains(b.CurrentURL(), "/subscribe?email=") })
	if got := b.ExecuteScript(`return document.getElementById("subscribe-email").value`); got != "reader@example.org" {
		t.Errorf("the form's address is %v", got)
	}
	b.Find("#query").SendKeys("language models")
	b.Find(`form[method=post][action="/subscribe"] button[type=submit]`).Click()
	b.Wait("the answer", func() bool { return !strings.Contains(b.CurrentURL(), "?email=") })
	if msg := b.Find("main").Text(); !strings.Contains(msg, "inbox") {
		t.Errorf("after subscribing the page says %q", msg)
	}

	// The confirmation mail, its link, the button.
	confirm := mp.Message(mp.WaitMessages(1)[0].ID)
	link := regexp.MustCompile(`http://\S+/subscribe/confirm\?t=[\w-]+`).FindString(confirm.Text)
	if link == "" {
		t.Fatalf("no confirmation link in %q", confirm.Text)
	}
	b.Navigate(link)
	b.Find(`form[action="/subscribe/confirm"] button[type=submit]`).Click()
	b.Wait("the confirmation", func() bool { return !strings.Contains(b.CurrentURL(), "?t=") })
	if msg := b.Find("main").Text(); !strings.Contains(strings.ToLower(msg), "preferences") {
		t.Errorf("after confirming the page says %q", msg)
	}

	// The Monday digest covers Friday's list.
	out := mustRun(t, "digest", "run", "--db", cfg.DB, "--period", "daily", "--day", "2026-08-24",
		"--smtp-host", mp.SMTPHost, "--smtp-port", strconv.Itoa(mp.SMTPPort), "--smtp-security", "none",
		"--mail-from", cfg.MailFrom, "--base-url", srv.URL())
	if !strings.Contains(out, "1 sent") {
		t.Fatalf("quire digest run:\n%s", out)
	}
	msgs := mp.WaitMessages(2)
	dig := mp.Message(msgs[0].ID)
	if !strings.HasPrefix(dig.Subject, "Trending papers of Aug 21, 2026") || dig.To[0].Address != "reader@example.org" {
		t.Fatalf("the digest: %q to %v", dig.Subject, dig.To)
	}
	if !strings.Contains(dig.Text, "== Trending ==") || !strings.Contains(dig.HTML, srv.URL()+"/papers/") {
		t.Errorf("the digest's parts lack its papers:\n%s", dig.Text)
	}
	h := mp.Headers(dig.ID)
	if h["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", h["List-Unsubscribe-Post"])
	}
	m := regexp.MustCompile(`<(http://[^>]+/unsubscribe\?t=[\w-]+)>`).FindStringSubmatch(h["List-Unsubscribe"][0])
	if m == nil {
		t.Fatalf("List-Unsubscribe = %q", h["List-Unsubscribe"])
	}

	// The web view of the digest shows its papers.
	view := regexp.MustCompile(`http://\S+/digests/\d+\?t=[\w-]+`).FindString(dig.Text)
	b.Navigate(view)
	if n := len(b.FindAll("article.card")); n == 0 {
		t.Error("the digest's web view shows no papers")
	}

	// One click, as a mail client does it: a POST with no cookie and no
	// form token.
	resp, err := http.PostForm(m[1], url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %s", resp.Status)
	}
	sub, err := srv.DB.FindSubscriptionByEmail(t.Context(), "reader@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if sub.UnsubscribedAt.IsZero() || sub.Active() {
		t.Errorf("the subscription is still active after the one-click unsubscribe: %+v", sub)
	}
	// And no more digests.
	out = mustRun(t, "digest", "run", "--db", cfg.DB, "--period", "daily", "--day", "2026-08-25",
		"--smtp-host", mp.SMTPHost, "--smtp-port", strconv.Itoa(mp.SMTPPort), "--smtp-security", "none",
		"--mail-from", cfg.MailFrom, "--base-url", srv.URL())
	if n := len(mp.Messages()); n != 2 {
		t.Errorf("%d messages after unsubscribing, want 2\n%s", n, out)
	}
}
