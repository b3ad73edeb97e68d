package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/auth"
	"quire/internal/digest"
	"quire/internal/testenv"
)

const (
	confirmSubject = "Confirm your subscription to the digest"
	alreadySubject = "You are already subscribed to the digest"
	sentText       = "Check your inbox: a message is on its way to"
)

// mustLinks makes the signed links of the test servers' subscription
// mail (as paths: its Base is empty), on the server's clock.
func mustLinks(tb testing.TB, srv *communityServer) *digest.Links {
	tb.Helper()
	s, err := auth.NewSigner(testSecret)
	if err != nil {
		tb.Fatal(err)
	}
	return &digest.Links{Signer: s, Now: srv.clock.Now}
}

// mustSubscription stores a subscription of addr, confirmed when active.
func mustSubscription(tb testing.TB, srv *communityServer, addr string, active bool) *quire.Subscription {
	tb.Helper()
	ctx := context.Background()
	s, err := srv.db.Subscribe(ctx, &quire.Subscription{Email: addr, Frequency: quire.Daily, Topics: quire.Topics{Categories: []string{"cs.CL"}}, CreatedAt: srv.clock.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	if active {
		if err := srv.db.ConfirmSubscription(ctx, s.ID, srv.clock.Now()); err != nil {
			tb.Fatal(err)
		}
	}
	return mustFindSubscription(tb, srv, addr)
}

func mustFindSubscription(tb testing.TB, srv *communityServer, addr string) *quire.Subscription {
	tb.Helper()
	s, err := srv.db.FindSubscriptionByEmail(context.Background(), addr)
	if err != nil {
		tb.Fatalf("subscription of %s: %v", addr, err)
	}
	return s
}

// noSubscription fails unless addr has no subscription.
func noSubscription(tb testing.TB, srv *communityServer, addr string) {
	tb.Helper()
	if s, err := srv.db.FindSubscriptionByEmail(context.Background(), addr); !errors.Is(err, quire.ErrNotFound) {
		tb.Errorf("subscription of %s: %+v, %v; want none", addr, s, err)
	}
}

// tokenOf returns the t parameter of a link path.
func tokenOf(tb testing.TB, link string) string {
	tb.Helper()
	u, err := url.Parse(link)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Query().Get("t")
}

var manageHrefRE = regexp.MustCompile(`href="(/subscription\?t=[A-Za-z0-9_-]+)"`)

// TestSubscribe follows a subscription from the header's box through the
// confirmation mail to an active digest, then asks again for the address.
func TestSubscribe(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	visitor := srv.NewBrowser(t)

	// Every page has the box: a GET form, since cached pages carry no
	// form token.
	home := visitor.Get("/papers/trending")
	checkPage(t, home, http.StatusOK, "Get trending papers in your email inbox!", `<form class="digest-bar wrap" action="/subscribe" method="get">`)
	if strings.Contains(home.body, "csrf_token") {
		t.Error("a visitor's page carries a form token")
	}
	if strings.Contains(home.body, "not available yet") {
		t.Error("the list still says digests are not available")
	}
	r := visitor.Get("/subscribe?email=" + url.QueryEscape("Ada@Example.org"))
	checkPage(t, r, http.StatusOK, `value="Ada@Example.org"`, `name="frequency" value="weekly"`, `name="categories"`, `name="authors"`)
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("the form's Cache-Control = %q", cc)
	}

	form := url.Values{
		"email": {" Ada@Example.org "}, "frequency": {"weekly"}, "query": {"  diffusion language models "},
		"categories": {"cs.CL, cs.LG,cs.CL"}, "authors": {"Ada  Lovelace\r\nAlan Turing, ada lovelace"},
	}
	first := visitor.Submit("/subscribe", "/subscribe", form)
	checkPage(t, first, http.StatusOK, sentText+" ada@example.org")
	link := mustLink(t, mp, 1, "ada@example.org", confirmSubject)
	if !strings.HasPrefix(link, "/subscribe/confirm?t=") {
		t.Fatalf("confirmation link %s", link)
	}
	s := mustFindSubscription(t, srv, "ada@example.org")
	want := quire.Topics{Query: "diffusion language models", Categories: []string{"cs.CL", "cs.LG"}, Authors: []string{"Ada Lovelace", "Alan Turing"}}
	if diff := cmp.Diff(want, s.Topics); diff != "" || s.Frequency != quire.Weekly || s.Active() {
		t.Fatalf("stored %+v; topics (-want +got):\n%s", s, diff)
	}

	// Opening the link (a mail scanner would) changes nothing; the button
	// confirms, from any browser.
	reader := srv.NewBrowser(t)
	r = reader.Get(link)
	checkPage(t, r, http.StatusOK, "Confirm my subscription", "ada@example.org")
	if s := mustFindSubscription(t, srv, "ada@example.org"); s.Active() {
		t.Fatal("opening the link confirmed the subscription")
	}
	r = reader.Submit(link, "/subscribe/confirm", url.Values{"t": {tokenOf(t, link)}})
	checkPage(t, r, http.StatusOK, "the digest to ada@example.org is active", "Manage your preferences")
	confirmed := mustFindSubscription(t, srv, "ada@example.org")
	if !confirmed.Active() || !confirmed.ConfirmedAt.Equal(srv.clock.Now()) {
		t.Errorf("after confirming: %+v", confirmed)
	}
	manage := manageHrefRE.FindStringSubmatch(r.body)
	if manage == nil {
		t.Fatalf("no preferences link on the page:\n%s", r.body)
	}
	checkPage(t, reader.Get(manage[1]), http.StatusOK, `value="diffusion language models"`, "Ada Lovelace\nAlan Turing")
	checkPage(t, reader.Get(link), http.StatusOK, "is active already")

	// Asking again for the active address, with other preferences: the
	// same answer, a mail to the address instead, and nothing changed.
	srv.clock.Advance(time.Minute)
	other := url.Values{"email": {"ada@example.org"}, "frequency": {"daily"}, "categories": {"hep-th"}}
	second := srv.NewBrowser(t).Submit("/subscribe", "/subscribe", other)
	checkPage(t, second, http.StatusOK, sentText)
	if strip(second.body) != strip(first.body) {
		t.Errorf("the answers for a new and an active address differ:\n%s\n---\n%s", first.body, second.body)
	}
	manageLink := mustLink(t, mp, 2, "ada@example.org", alreadySubject)
	if !strings.HasPrefix(manageLink, "/subscription?t=") {
		t.Errorf("the already-subscribed mail links to %s", manageLink)
	}
	if diff := cmp.Diff(confirmed, mustFindSubscription(t, srv, "ada@example.org")); diff != "" {
		t.Errorf("asking again changed the subscription (-before +after):\n%s", diff)
	}
	subs, err := srv.db.ListActiveSubscriptions(context.Background(), quire.Weekly, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].ID != s.ID {
		t.Errorf("active weekly subscriptions: %+v, want the one", subs)
	}
	checkPage(t, reader.Get(manageLink), http.StatusOK, `value="diffusion language models"`)
}

// TestSubscribeFromAccount: the account page links to the form with the
// member's address.
func TestSubscribeFromAccount(t *testing.T) {
	srv, _ := mustMailServer(t, testenv.MailpitOptions{})
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	checkPage(t, b.Get("/account"), http.StatusOK, `href="/subscribe?email=ada%40example.org"`)
	checkPage(t, b.Get("/subscribe"), http.StatusOK, `value="ada@example.org"`)
}

// TestManageSubscription changes a subscriber's preferences through the
// signed link, and refuses bad ones.
func TestManageSubscription(t *testing.T) {
	srv, _ := mustMailServer(t, testenv.MailpitOptions{})
	links := mustLinks(t, srv)
	s := mustSubscription(t, srv, "bob@example.org", true)
	link := links.Manage(s.ID)
	b := srv.NewBrowser(t)
	r := b.Get(link)
	checkPage(t, r, http.StatusOK, "bob@example.org", `value="cs.CL"`, "Save my preferences", `action="/unsubscribe?t=`)
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	token := tokenOf(t, link)

	r = b.Submit(link, "/subscription", url.Values{"t": {token}, "frequency": {"weekly"}, "query": {"scaling laws"},
		"categories": {"cs.LG hep-th"}, "authors": {"Geoffrey Hinton\nYann LeCun"}})
	checkPage(t, r, http.StatusOK, "Your preferences are saved", `value="scaling laws"`)
	got := mustFindSubscription(t, srv, "bob@example.org")
	want := quire.Topics{Query: "scaling laws", Categories: []string{"cs.LG", "hep-th"}, Authors: []string{"Geoffrey Hinton", "Yann LeCun"}}
	if diff := cmp.Diff(want, got.Topics); diff != "" || got.Frequency != quire.Weekly || !got.Active() {
		t.Errorf("after saving: %+v; topics (-want +got):\n%s", got, diff)
	}

	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"bad category", url.Values{"frequency": {"daily"}, "categories": {"cs.CL, not a category!"}}, "is not an arXiv category"},
		{"bad frequency", url.Values{"frequency": {"hourly"}}, "is not a digest frequency"},
		{"search over lines", url.Values{"frequency": {"daily"}, "query": {"a\r\nBcc: eve@example.org"}}, "on one line"},
		{"too many categories", url.Values{"frequency": {"daily"}, "categories": {"a,b,c,d,e,f,g,h,i,j,k"}}, "Follow at most 10 categories"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("t", token)
			checkPage(t, b.Submit(link, "/subscription", tc.form), http.StatusBadRequest, tc.want)
			if after := mustFindSubscription(t, srv, "bob@example.org"); !cmp.Equal(after.Topics, want) || after.Frequency != quire.Weekly {
				t.Errorf("a refused change was stored: %+v", after)
			}
		})
	}
	// Without the form token, nothing is saved either.
	r = b.Post("/subscription", url.Values{"t": {token}, "frequency": {"daily"}})
	if r.status != http.StatusForbidden {
		t.Errorf("POST without a form token: %d", r.status)
	}
	if after := mustFindSubscription(t, srv, "bob@example.org"); after.Frequency != quire.Weekly {
		t.Error("a change without a form token was stored")
	}
}

// TestUnsubscribe: the link's page changes nothing; its button, or a mail
// client's one-click POST without cookies or form token, unsubscribes.
func TestUnsubscribe(t *testing.T) {
	srv, _ := mustMailServer(t, testenv.MailpitOptions{})
	links := mustLinks(t, srv)
	s := mustSubscription(t, srv, "carol@example.org", true)
	link := links.Unsubscribe(s.ID)

	r := srv.NewBrowser(t).Get(link)
	checkPage(t, r, http.StatusOK, "Stop sending the digest to carol@example.org?", `<form method="post" action="/unsubscribe?t=`)
	if strings.Contains(r.body, "csrf_token") {
		t.Error("the unsubscribe page carries a form token it does not need")
	}
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	if got := mustFindSubscription(t, srv, "carol@example.org"); !got.Active() {
		t.Fatal("opening the link unsubscribed")
	}

	oneClick := func() response {
		// A fresh client: no cookie, no form token.
		return srv.NewBrowser(t).Do(http.MethodPost, link, strings.NewReader("List-Unsubscribe=One-Click"),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	}
	checkPage(t, oneClick(), http.StatusOK, "carol@example.org is unsubscribed")
	got := mustFindSubscription(t, srv, "carol@example.org")
	if got.Active() || !got.UnsubscribedAt.Equal(srv.clock.Now()) {
		t.Fatalf("after the one-click POST: %+v", got)
	}
	srv.clock.Advance(time.Hour)
	checkPage(t, oneClick(), http.StatusOK, "carol@example.org is unsubscribed")
	if again := mustFindSubscription(t, srv, "carol@example.org"); !again.UnsubscribedAt.Equal(got.UnsubscribedAt) {
		t.Errorf("unsubscribing twice moved the time: %v, then %v", got.UnsubscribedAt, again.UnsubscribedAt)
	}
	checkPage(t, srv.NewBrowser(t).Get(link), http.StatusOK, "it is unsubscribed")
	checkPage(t, srv.NewBrowser(t).Get(links.Manage(s.ID)), http.StatusOK, "is unsubscribed and gets no digests", `href="/subscribe?email=carol%40example.org"`)

	// The button of the preferences page does the same.
	d := mustSubscription(t, srv, "dan@example.org", true)
	b := srv.NewBrowser(t)
	page := b.Get(links.Manage(d.ID))
	action := regexp.MustCompile(`action="(/unsubscribe\?t=[^"]+)"`).FindStringSubmatch(page.body)
	if action == nil {
		t.Fatalf("no unsubscribe button:\n%s", page.body)
	}
	checkPage(t, b.Post(action[1], nil), http.StatusOK, "dan@example.org is unsubscribed")
	if got := mustFindSubscription(t, srv, "dan@example.org"); got.Active() {
		t.Error("the preferences page's button did not unsubscribe")
	}
}

// TestSubscribeRefusals: bad addresses and fields (header injection
// among them) get clear 400 pages, and nothing is stored or sent.
func TestSubscribeRefusals(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	b := srv.NewBrowser(t)
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no address", url.Values{"frequency": {"daily"}}, "is not an e-mail address"},
		{"no domain", url.Values{"email": {"eve@"}, "frequency": {"daily"}}, "is not an e-mail address"},
		{"a list", url.Values{"email": {"eve@example.org, bob@example.org"}, "frequency": {"daily"}}, "is not an e-mail address"},
		{"header in the address", url.Values{"email": {"eve@example.org\r\nBcc: bob@example.org"}, "frequency": {"daily"}}, "is not an e-mail address"},
		{"header in the search", url.Values{"email": {"eve@example.org"}, "frequency": {"daily"}, "query": {"x\r\nBcc: bob@example.org"}}, "on one line"},
		{"header in the categories", url.Values{"email": {"eve@example.org"}, "frequency": {"daily"}, "categories": {"cs.CL\r\nBcc: bob@example.org"}}, "is not an arXiv category"},
		{"control in an author", url.Values{"email": {"eve@example.org"}, "frequency": {"daily"}, "authors": {"Eve\x00Bcc"}}, "has at most 100 characters"},
		{"bad frequency", url.Values{"email": {"eve@example.org"}, "frequency": {"hourly"}}, "is not a digest frequency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.Submit("/subscribe", "/subscribe", tc.form)
			checkPage(t, r, http.StatusBadRequest, tc.want, `action="/subscribe"`)
		})
	}
	noSubscription(t, srv, "eve@example.org")
	if n := len(mp.Messages()); n != 0 {
		t.Errorf("%d messages sent for refused requests", n)
	}
	if r := b.Post("/subscribe", url.Values{"email": {"eve@example.org"}, "frequency": {"daily"}}); r.status != http.StatusForbidden {
		t.Errorf("POST without a form token: %d", r.status)
	}
	noSubscription(t, srv, "eve@example.org")

	t.Run("no mail", func(t *testing.T) {
		srv := MustCommunityServer(t, MustOpenStore(t), nil)
		b := srv.NewBrowser(t)
		if r := b.Get("/papers/trending"); strings.Contains(r.body, "digest-bar") {
			t.Error("a site without mail offers digests in its header")
		}
		checkPage(t, b.Get("/subscribe"), http.StatusServiceUnavailable, "Digests are unavailable on this site")
		r := b.Submit("/login", "/subscribe", url.Values{"email": {"eve@example.org"}, "frequency": {"daily"}})
		checkPage(t, r, http.StatusServiceUnavailable, "Digests are unavailable on this site")
		noSubscription(t, srv, "eve@example.org")
	})
}

// TestSubscriptionLinkRefusals: forged, altered, expired and misdirected
// links get 400 pages with the reason, and change nothing.
func TestSubscriptionLinkRefusals(t *testing.T) {
	srv, _ := mustMailServer(t, testenv.MailpitOptions{})
	links := mustLinks(t, srv)
	pending := mustSubscription(t, srv, "pat@example.org", false)
	active := mustSubscription(t, srv, "act@example.org", true)
	confirm := tokenOf(t, links.Confirm(pending.ID))
	unsub := tokenOf(t, links.Unsubscribe(active.ID))
	manage := tokenOf(t, links.Manage(active.ID))
	b := srv.NewBrowser(t)

	bad := map[string]string{
		"forged":          "not-a-token",
		"empty":           "",
		"altered":         confirm[:len(confirm)-2] + "xx",
		"too long":        strings.Repeat("A", 5000),
		"another purpose": unsub,
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			q := "?t=" + url.QueryEscape(tok)
			checkPage(t, b.Get("/subscribe/confirm"+q), http.StatusBadRequest, "This link is not valid")
			checkPage(t, b.Submit("/subscribe", "/subscribe/confirm", url.Values{"t": {tok}}), http.StatusBadRequest, "This link is not valid")
			if name != "another purpose" {
				checkPage(t, b.Get("/unsubscribe"+q), http.StatusBadRequest, "This link is not valid")
				checkPage(t, srv.NewBrowser(t).Post("/unsubscribe"+q, url.Values{"List-Unsubscribe": {"One-Click"}}), http.StatusBadRequest, "This link is not valid")
			}
			checkPage(t, b.Get("/subscription"+q), http.StatusBadRequest, "This link is not valid")
			checkPage(t, b.Submit("/subscribe", "/subscription", url.Values{"t": {tok}, "frequency": {"weekly"}}), http.StatusBadRequest, "This link is not valid")
		})
	}
	// A manage token does not unsubscribe.
	checkPage(t, srv.NewBrowser(t).Post("/unsubscribe?t="+manage, nil), http.StatusBadRequest, "This link is not valid")

	// Eight days on, the confirmation link has expired; the others last.
	srv.clock.Advance(8 * 24 * time.Hour)
	checkPage(t, b.Get("/subscribe/confirm?t="+confirm), http.StatusBadRequest, "This link has expired")
	checkPage(t, b.Submit("/subscribe", "/subscribe/confirm", url.Values{"t": {confirm}}), http.StatusBadRequest, "This link has expired")
	checkPage(t, b.Get("/subscription?t="+manage), http.StatusOK, "act@example.org")
	srv.clock.Advance(3 * 365 * 24 * time.Hour)
	checkPage(t, srv.NewBrowser(t).Post("/unsubscribe?t="+unsub, nil), http.StatusBadRequest, "This link has expired")

	if s := mustFindSubscription(t, srv, "pat@example.org"); s.Active() {
		t.Error("a refused link confirmed the pending subscription")
	}
	if s := mustFindSubscription(t, srv, "act@example.org"); !s.Active() || !cmp.Equal(s.Topics, active.Topics) || s.Frequency != active.Frequency {
		t.Errorf("a refused link changed the active subscription: %+v", s)
	}
}

// TestSubscribeRateLimit: a few requests an hour per address, whoever
// sends them, with Retry-After on the refusal.
func TestSubscribeRateLimit(t *testing.T) {
	srv, mp := mustMailServer(t, testenv.MailpitOptions{})
	var statuses []int
	var last response
	for range 4 {
		last = srv.NewBrowser(t).Submit("/subscribe", "/subscribe", url.Values{"email": {"ann@example.org"}, "frequency": {"daily"}})
		statuses = append(statuses, last.status)
	}
	if want := []int{200, 200, 200, 429}; !equalInts(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if last.header.Get("Retry-After") == "" || !strings.Contains(last.body, "try again") {
		t.Errorf("the refusal: Retry-After %q\n%s", last.header.Get("Retry-After"), last.body)
	}
	if n := len(mp.WaitMessages(3)); n != 3 {
		t.Errorf("%d messages, want 3 confirmations", n)
	}
}

// TestDigestView shows a queued digest's papers by section, with the
// counts of the lists, to the holder of its link alone.
func TestDigestView(t *testing.T) {
	srv, _ := mustMailServer(t, testenv.MailpitOptions{})
	MustImportDaily(t, srv.db, "../../testdata/hf/daily_papers_2025-06-16.json")
	ctx := context.Background()
	items, _, err := srv.db.FindDailyItems(ctx, quire.DailyFilter{From: time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 17, 0, 0, 0, 0, time.UTC), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 5 {
		t.Fatalf("%d papers on the list", len(items))
	}
	// Not the list's order: the digest's own.
	ids := []string{items[3].Paper.ID, items[0].Paper.ID, items[4].Paper.ID, items[1].Paper.ID, items[2].Paper.ID}
	s := mustSubscription(t, srv, "dee@example.org", true)
	o := mustSubscription(t, srv, "otto@example.org", true)
	if _, err := srv.db.EnqueueDigests(ctx, []*quire.Digest{
		{SubscriptionID: s.ID, PeriodKey: "daily:2025-06-16", PaperIDs: ids,
			Sections: []quire.DigestSection{{Title: "Trending", Count: 3}, {Title: "cs.CL", Count: 2}}},
		{SubscriptionID: o.ID, PeriodKey: "daily:2025-06-16", PaperIDs: ids[:1], Sections: []quire.DigestSection{{Title: "Trending", Count: 1}}},
	}); err != nil {
		t.Fatal(err)
	}
	var mine, others *quire.Digest
	for id := int64(1); id <= 2; id++ {
		d, err := srv.db.FindDigest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.SubscriptionID == s.ID {
			mine = d
		} else {
			others = d
		}
	}
	links := mustLinks(t, srv)
	link := links.View(mine.ID)

	r := srv.NewBrowser(t).Get(link)
	checkPage(t, r, http.StatusOK, "Your daily digest", "Papers of Jun 16, 2025", "<h2>Trending", "<h2>cs.CL")
	if cc, robots := r.header.Get("Cache-Control"), r.header.Get("X-Robots-Tag"); cc != "private, no-store" || robots != "noindex" {
		t.Errorf("Cache-Control %q, X-Robots-Tag %q", cc, robots)
	}
	var at []int
	for _, id := range ids {
		i := strings.Index(r.body, `href="/papers/`+id+`"`)
		if i < 0 {
			t.Fatalf("paper %s is not on the page", id)
		}
		at = append(at, i)
	}
	for i := 1; i < len(at); i++ {
		if at[i] < at[i-1] {
			t.Errorf("paper %s comes before %s; want the digest's order", ids[i], ids[i-1])
		}
	}
	trending, topic, _ := strings.Cut(r.body[strings.Index(r.body, "<h2>Trending"):], "<h2>cs.CL")
	if !strings.Contains(trending, ids[2]) || strings.Contains(trending, ids[3]) || !strings.Contains(topic, ids[3]) {
		t.Error("the papers are not cut into the digest's sections")
	}
	list := srv.NewBrowser(t).Get("/papers/date/2025-06-16").body
	for _, id := range ids {
		if got, want := upvotesOn(t, r.body, id), upvotesOn(t, list, id); got != want {
			t.Errorf("paper %s: %d upvotes in the digest, %d on the list", id, got, want)
		}
	}

	// Another digest's genuine link does not open this one.
	theirs := tokenOf(t, links.View(others.ID))
	checkPage(t, srv.NewBrowser(t).Get("/digests/"+itoa(mine.ID)+"?t="+theirs), http.StatusBadRequest, "This link is not valid")
	mineTok := tokenOf(t, link)
	checkPage(t, srv.NewBrowser(t).Get("/digests/"+itoa(others.ID)+"?t="+mineTok), http.StatusBadRequest, "This link is not valid")
	checkPage(t, srv.NewBrowser(t).Get("/digests/"+itoa(mine.ID)), http.StatusBadRequest, "This link is not valid")
	checkPage(t, srv.NewBrowser(t).Get("/digests/"+itoa(mine.ID)+"?t="+mineTok[:len(mineTok)-3]+"abc"), http.StatusBadRequest, "This link is not valid")
	// A genuine link of a digest that is not stored.
	checkPage(t, srv.NewBrowser(t).Get(links.View(99)), http.StatusNotFound, "This digest no longer exists")
	checkPage(t, srv.NewBrowser(t).Get("/digests/x?t="+mineTok), http.StatusNotFound)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
