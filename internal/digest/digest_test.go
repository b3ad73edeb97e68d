package digest_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/digest"
	"quire/internal/ingest"
	"quire/internal/mail"
	"quire/internal/search"
	"quire/internal/store/sqlite"
	"quire/internal/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// sentDay is when the test digests go out: the daily one covers the list
// of Monday 2025-06-16.
var sentDay = time.Date(2025, 6, 17, 7, 0, 0, 0, time.UTC)

// fixture is a catalogue with the real list of 2025-06-16, a search engine
// over it, and subscribers.
type fixture struct {
	db     *sqlite.DB
	engine *search.Engine
	links  *digest.Links
}

func mustFixture(tb testing.TB) *fixture {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	im := &ingest.Importer{Store: db, Logger: quiet}
	for _, f := range []string{"../../testdata/hf/daily_papers_2025-06-16.json", "../../testdata/hf/daily_papers_2024-06-03.json", "../../testdata/arxiv/listings_sample.jsonl"} {
		if _, err := im.ImportFile(tb.Context(), f); err != nil {
			tb.Fatal(err)
		}
	}
	e, err := search.New(db, search.Options{Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.Sync(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	signer, err := auth.NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{db: db, engine: e, links: &digest.Links{Base: "https://quire.example", Signer: signer, Now: func() time.Time { return sentDay }}}
}

// mustSubscriber stores a subscription, confirmed unless pending.
func (f *fixture) mustSubscriber(tb testing.TB, email string, freq quire.Frequency, topics quire.Topics, pending bool) *quire.Subscription {
	tb.Helper()
	s, err := f.db.Subscribe(tb.Context(), &quire.Subscription{Email: email, Frequency: freq, Topics: topics, CreatedAt: sentDay.Add(-48 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	if !pending {
		if err := f.db.ConfirmSubscription(tb.Context(), s.ID, sentDay.Add(-47*time.Hour)); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func (f *fixture) builder() *digest.Builder {
	return &digest.Builder{Store: f.db, Search: f.engine, Logger: quiet, Now: func() time.Time { return sentDay }}
}

func (f *fixture) mustDigests(tb testing.TB, sub int64) []*quire.Digest {
	tb.Helper()
	var out []*quire.Digest
	for id := int64(1); ; id++ {
		d, err := f.db.FindDigest(tb.Context(), id)
		if err != nil {
			break
		}
		if d.SubscriptionID == sub {
			out = append(out, d)
		}
	}
	return out
}

// TestBuild queues one digest per active subscriber of the frequency:
// the day's trending papers, then each topic's new matches, each paper
// once; again for the same period, nothing more.
func TestBuild(t *testing.T) {
	f := mustFixture(t)
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{Query: "diffusion", Categories: []string{"cs.CV"}}, false)
	bob := f.mustSubscriber(t, "bob@example.org", quire.Daily, quire.Topics{}, false)
	f.mustSubscriber(t, "carol@example.org", quire.Daily, quire.Topics{}, true) // not confirmed
	f.mustSubscriber(t, "dave@example.org", quire.Weekly, quire.Topics{}, false)
	p := quire.PeriodBefore(quire.Daily, sentDay)

	st, err := f.builder().Build(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Subscriptions != 2 || st.Queued != 2 || st.Searches != 2 {
		t.Fatalf("Build = %+v, want 2 subscriptions, 2 queued, 2 searches", st)
	}
	da, db := f.mustDigests(t, ada.ID), f.mustDigests(t, bob.ID)
	if len(da) != 1 || len(db) != 1 {
		t.Fatalf("ada has %d digests, bob %d", len(da), len(db))
	}
	a := da[0]
	// The list of 2025-06-16 in testdata holds 9 papers, fewer than a
	// digest's 10 trending ones.
	const listed = 9
	if a.PeriodKey != "daily:2025-06-16" || a.Sections[0].Title != "Trending" || a.Sections[0].Count != listed {
		t.Errorf("ada's digest: %s %+v", a.PeriodKey, a.Sections)
	}
	seen := map[string]bool{}
	for _, id := range a.PaperIDs {
		if seen[id] {
			t.Errorf("paper %s twice in one digest", id)
		}
		seen[id] = true
	}
	// The trending section is the same for everyone: the day's list ranked.
	if !slices.Equal(a.PaperIDs[:listed], db[0].PaperIDs[:listed]) {
		t.Errorf("trending differs between subscribers:\n%v\n%v", a.PaperIDs[:listed], db[0].PaperIDs[:listed])
	}
	items, _, err := f.db.FindDailyItems(t.Context(), quire.DailyFilter{From: p.Start, To: p.End})
	if err != nil {
		t.Fatal(err)
	}
	onList := map[string]bool{}
	for _, it := range items {
		onList[it.Paper.ID] = true
	}
	for _, id := range a.PaperIDs[:listed] {
		if !onList[id] {
			t.Errorf("trending paper %s was not on the list of %s", id, p.Start.Format(quire.DayLayout))
		}
	}

	// Again: nothing new.
	st, err = f.builder().Build(t.Context(), p)
	if err != nil || st.Queued != 0 || st.Subscriptions != 2 {
		t.Errorf("second Build = %+v, %v; want nothing queued", st, err)
	}

	// A weekly digest over the same days leaves out what ada had.
	if err := f.db.UpdateSubscription(t.Context(), ada.ID, quire.Weekly, ada.Topics); err != nil {
		t.Fatal(err)
	}
	if _, err := f.builder().Build(t.Context(), quire.PeriodBefore(quire.Weekly, sentDay.AddDate(0, 0, 6))); err != nil {
		t.Fatal(err)
	}
	for _, d := range f.mustDigests(t, ada.ID)[1:] {
		for _, id := range d.PaperIDs {
			if seen[id] {
				t.Errorf("paper %s again in ada's %s digest", id, d.PeriodKey)
			}
		}
	}
}

// TestBuildTopics fills a digest from a subscriber's topics on a day
// without a daily list: the arXiv listing of 2025-03-18.
func TestBuildTopics(t *testing.T) {
	f := mustFixture(t)
	erin := f.mustSubscriber(t, "erin@example.org", quire.Daily, quire.Topics{Query: "gaussian splatting", Categories: []string{"cs.CV", "cs.RO"}}, false)
	day := time.Date(2025, 3, 19, 7, 0, 0, 0, time.UTC)
	b := f.builder()
	b.Now = func() time.Time { return day }
	st, err := b.Build(t.Context(), quire.PeriodBefore(quire.Daily, day))
	if err != nil || st.Queued != 1 || st.Searches != 3 {
		t.Fatalf("Build = %+v, %v", st, err)
	}
	d := f.mustDigests(t, erin.ID)[0]
	var titles []string
	total := 0
	for _, s := range d.Sections {
		titles = append(titles, s.Title)
		total += s.Count
		if s.Count > 5 {
			t.Errorf("section %q has %d papers, more than a topic's 5", s.Title, s.Count)
		}
	}
	if !slices.Contains(titles, "Your search: gaussian splatting") || !slices.Contains(titles, "New in cs.CV") {
		t.Errorf("sections %q", titles)
	}
	if total != len(d.PaperIDs) {
		t.Errorf("sections count %d papers of %d", total, len(d.PaperIDs))
	}
	papers, err := f.db.FindPapersByIDs(t.Context(), d.PaperIDs[:d.Sections[0].Count])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range papers {
		text := strings.ToLower(p.Title + " " + p.Abstract)
		if !strings.Contains(text, "gaussian") && !strings.Contains(text, "splat") {
			t.Errorf("%s matches the search %q in neither title nor abstract: %q", p.ID, "gaussian splatting", p.Title)
		}
	}
	seen := map[string]bool{}
	for _, id := range d.PaperIDs {
		if seen[id] {
			t.Errorf("paper %s twice", id)
		}
		seen[id] = true
	}
}

// TestBuildDryRun queues nothing.
func TestBuildDryRun(t *testing.T) {
	f := mustFixture(t)
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
	b := f.builder()
	b.DryRun = true
	st, err := b.Build(t.Context(), quire.PeriodBefore(quire.Daily, sentDay))
	if err != nil || st.Queued != 1 {
		t.Fatalf("dry run = %+v, %v", st, err)
	}
	if ds := f.mustDigests(t, ada.ID); len(ds) != 0 {
		t.Errorf("a dry run queued %d digests", len(ds))
	}
}

func (f *fixture) sender(tb testing.TB, mp *testenv.Mailpit) *digest.Sender {
	tb.Helper()
	smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.Plain})
	if err != nil {
		tb.Fatal(err)
	}
	return &digest.Sender{
		Store: f.db, Mail: smtp, From: netmail.Address{Name: "Quire", Address: "digest@quire.example"},
		Links: f.links, Lease: time.Minute, Now: func() time.Time { return sentDay }, Logger: quiet,
	}
}

// TestSend delivers the queued digests to a real SMTP server, each once,
// with the headers list mail needs, both parts, and working links.
func TestSend(t *testing.T) {
	f := mustFixture(t)
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{Query: "diffusion"}, false)
	f.mustSubscriber(t, "bob@example.org", quire.Daily, quire.Topics{}, false)
	if _, err := f.builder().Build(t.Context(), quire.PeriodBefore(quire.Daily, sentDay)); err != nil {
		t.Fatal(err)
	}
	mp := testenv.StartMailpit(t, testenv.MailpitOptions{})
	s := f.sender(t, mp)
	rep, err := s.Run(t.Context())
	if err != nil || rep.Sent != 2 || rep.Failed+rep.Retried != 0 {
		t.Fatalf("Run = %+v, %v", rep, err)
	}
	// A second run finds nothing to send.
	if rep, err := s.Run(t.Context()); err != nil || rep.Sent != 0 {
		t.Errorf("second Run = %+v, %v", rep, err)
	}
	msgs := mp.WaitMessages(2)
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	d := f.mustDigests(t, ada.ID)[0]
	if d.Status != quire.DigestSent || d.MessageID != "<"+digest.MessageID(d, "digest@quire.example")+">" {
		t.Errorf("ada's digest after sending: %s %q", d.Status, d.MessageID)
	}
	var id string
	for _, m := range msgs {
		if m.To[0].Address == "ada@example.org" {
			id = m.ID
		}
	}
	h := mp.Headers(id)
	get := func(k string) string {
		if v := h[k]; len(v) == 1 {
			return v[0]
		}
		t.Errorf("header %s = %q, want one value", k, h[k])
		return ""
	}
	if got := get("Subject"); got != "Trending papers of Jun 16, 2025" {
		t.Errorf("Subject = %q", got)
	}
	if got := get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	if got := get("List-Id"); got != "Quire daily digest <daily.digest.quire.example>" {
		t.Errorf("List-Id = %q", got)
	}
	if got := get("Message-Id"); got != d.MessageID {
		t.Errorf("Message-ID = %q, want %q", got, d.MessageID)
	}
	if date, err := netmail.ParseDate(get("Date")); err != nil || !date.Equal(sentDay) {
		t.Errorf("Date = %v, %v", date, err)
	}
	unsub := regexp.MustCompile(`^<(https://quire\.example/unsubscribe\?t=[\w-]+)>, <(mailto:digest@quire\.example\?subject=[^>]+)>$`).FindStringSubmatch(get("List-Unsubscribe"))
	if unsub == nil {
		t.Fatalf("List-Unsubscribe = %q", get("List-Unsubscribe"))
	}
	if sid, err := f.links.Verify(strings.TrimPrefix(unsub[1], "https://quire.example/unsubscribe?t="), auth.PurposeUnsubscribe); err != nil || sid != ada.ID {
		t.Errorf("the unsubscribe link names %d (%v), want %d", sid, err, ada.ID)
	}

	// Both parts, from the raw message.
	raw := mp.Raw(id)
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	typ, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if typ != "multipart/alternative" {
		t.Fatalf("Content-Type = %q", typ)
	}
	var types []string
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		types = append(types, strings.Split(p.Header.Get("Content-Type"), ";")[0])
	}
	if !slices.Equal(types, []string{"text/plain", "text/html"}) {
		t.Errorf("parts %v", types)
	}
	full := mp.Message(id)
	for _, want := range []string{"== Trending ==", "https://quire.example/papers/", "/subscription?t=", "/digests/"} {
		if !strings.Contains(full.Text, want) {
			t.Errorf("the text part lacks %q", want)
		}
	}
	first, err := f.db.FindPapersByIDs(t.Context(), d.PaperIDs[:1])
	if err != nil || len(first) != 1 || !strings.Contains(full.HTML, mustEscape(first[0].Title)) {
		t.Errorf("the HTML part lacks the first paper's title")
	}
}

func mustEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestSendRefusals: a temporary refusal schedules a retry, a permanent one
// gives the digest up and suppresses the address, and a subscriber who
// left gets nothing.
func TestSendRefusals(t *testing.T) {
	for _, tc := range []struct {
		chaos  string
		status quire.DigestStatus
	}{
		{"Recipient:451:100", quire.DigestPending},
		{"Recipient:550:100", quire.DigestFailed},
	} {
		t.Run(tc.chaos, func(t *testing.T) {
			f := mustFixture(t)
			ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
			if _, err := f.builder().Build(t.Context(), quire.PeriodBefore(quire.Daily, sentDay)); err != nil {
				t.Fatal(err)
			}
			mp := testenv.StartMailpit(t, testenv.MailpitOptions{Chaos: tc.chaos})
			rep, err := f.sender(t, mp).Run(t.Context())
			if err != nil || rep.Sent != 0 || len(rep.Errors) != 1 {
				t.Fatalf("Run = %+v, %v", rep, err)
			}
			d := f.mustDigests(t, ada.ID)[0]
			if d.Status != tc.status || d.LastError == "" {
				t.Errorf("digest: %s %q, want %s with the error", d.Status, d.LastError, tc.status)
			}
			sub, err := f.db.FindSubscription(t.Context(), ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			if suppressed := !sub.SuppressedAt.IsZero(); suppressed != (tc.status == quire.DigestFailed) {
				t.Errorf("suppressed = %v", suppressed)
			}
			if tc.status == quire.DigestPending && !d.NextAttemptAt.After(sentDay) {
				t.Errorf("the retry is at %v, not later than %v", d.NextAttemptAt, sentDay)
			}
		})
	}
	t.Run("unsubscribed", func(t *testing.T) {
		f := mustFixture(t)
		ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
		if _, err := f.builder().Build(t.Context(), quire.PeriodBefore(quire.Daily, sentDay)); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Unsubscribe(t.Context(), ada.ID, sentDay); err != nil {
			t.Fatal(err)
		}
		mp := testenv.StartMailpit(t, testenv.MailpitOptions{})
		if rep, err := f.sender(t, mp).Run(t.Context()); err != nil || rep.Sent != 0 {
			t.Errorf("Run = %+v, %v", rep, err)
		}
		if n := len(mp.Messages()); n != 0 {
			t.Errorf("%d messages to a subscriber who left", n)
		}
	})
}

func TestHeading(t *testing.T) {
	for key, want := range map[string]string{
		"daily:2026-11-26":  "Trending papers of Nov 26, 2026",
		"weekly:2026-W48":   "Trending papers of the week of Nov 23, 2026",
		"weekly:2026-W53":   "Trending papers of the week of Dec 28, 2026",
		"weekly:2026-W99":   "Trending papers",
		"daily:not-a-date":  "Trending papers",
		"something:strange": "Trending papers",
	} {
		if got := digest.Heading(key); got != want {
			t.Errorf("Heading(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestDue(t *testing.T) {
	at := digest.Clock{Hour: 7}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	for _, tc := range []struct {
		now  time.Time
		zone *time.Location
		want []string
	}{
		{time.Date(2026, 11, 27, 6, 59, 0, 0, time.UTC), time.UTC, nil},                                            // Friday, too early
		{time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), time.UTC, []string{"daily:2026-11-26"}},                    // Friday
		{time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), time.UTC, nil},                                             // Saturday
		{time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), time.UTC, []string{"daily:2026-11-27", "weekly:2026-W48"}}, // Monday
		{time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC), paris, []string{"daily:2026-11-26"}},                      // 07:30 in Paris
	} {
		var got []string
		for _, p := range digest.Due(tc.now, at, tc.zone) {
			got = append(got, p.Key())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Due(%v in %s) = %v, want %v", tc.now, tc.zone, got, tc.want)
		}
	}
}
