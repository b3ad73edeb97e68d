package cli

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/auth"
	"quire/internal/store"
	"quire/internal/testenv"
)

// copyHub is what MustCopyHub built: the hub's file and the records the
// comparisons look at.
type copyHub struct {
	path    string
	secret  string
	day     time.Time
	paperID string // on the day's list, voted and commented on
	votes   int    // its upvotes as the API shows them
}

const copyPassword = "correct horse battery"

// MustCopyHub builds a SQLite hub as `quire serve` starts one (the demo
// catalogue), then adds accounts, votes, comments, a confirmed
// subscriber and a digest for it, through the store.
func MustCopyHub(t *testing.T) copyHub {
	t.Helper()
	ctx := t.Context()
	cfg := testConfig(t)
	cfg.NoDemo = false
	srv, err := NewServer(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			srv.Close()
		}
	}()
	db := srv.DB
	items, _, err := db.FindDailyItems(ctx, quire.DailyFilter{Limit: 1})
	if err != nil || len(items) == 0 {
		t.Fatalf("the demo catalogue has no daily list: %v", err)
	}
	hub := copyHub{path: cfg.DB, day: items[0].Entry.Day, paperID: items[0].Paper.ID}
	hash, err := auth.HashPassword(copyPassword)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, name := range []string{"alice", "bob"} {
		a, err := db.CreateAccount(ctx, &quire.Account{Username: name, Email: name + "@example.org", PasswordHash: hash,
			CreatedAt: time.Now().Add(-48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		if _, _, err := db.SetVote(ctx, a.ID, hub.paperID, true); err != nil {
			t.Fatal(err)
		}
	}
	c, err := db.AddComment(ctx, &quire.Comment{PaperID: hub.paperID, AccountID: ids[0], Body: "The ablation in section 4 is *convincing*.", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, &quire.Comment{PaperID: hub.paperID, ParentID: c.ID, AccountID: ids[1], Body: "Agreed.", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	sub, err := db.Subscribe(ctx, &quire.Subscription{Email: "reader@example.org", Frequency: quire.Daily, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmSubscription(ctx, sub.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnqueueDigests(ctx, []*quire.Digest{{SubscriptionID: sub.ID, PeriodKey: hub.day.Format(quire.DayLayout),
		PaperIDs: []string{hub.paperID}, Sections: []quire.DigestSection{{Title: "Top papers", Count: 1}},
		NextAttemptAt: time.Now(), CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	hub.votes = items[0].Entry.Upvotes + 2
	secret, err := cfg.LoadSecret()
	if err != nil {
		t.Fatal(err)
	}
	hub.secret = string(secret)
	srv.Close()
	closed = true
	// The embedding model and the papers' vectors, as a hub that has
	// served a while holds them: both nodes then load the same model
	// rather than each training its own.
	if out, errOut, err := runQuire(t, "index", "--db", hub.path); err != nil {
		t.Fatalf("quire index: %v\n%s\n%s", err, out, errOut)
	}
	return hub
}

// runQuire runs a quire command in-process and returns its output.
func runQuire(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err = Run(t.Context(), env, args)
	return out.String(), errOut.String(), err
}

// TestCopyServesIdentically is the move of a hub: the demo catalogue with
// accounts, votes and a subscriber is backed up while served, the backup
// is copied to PostgreSQL by a copy that is interrupted and resumed, and a
// node on PostgreSQL then answers as the SQLite one does.
func TestCopyServesIdentically(t *testing.T) {
	ctx := t.Context()
	hub := MustCopyHub(t)

	cfgA := testConfig(t)
	cfgA.DB = hub.path
	srvA := MustStartServer(t, cfgA)

	// A backup taken while the hub is served.
	backup := filepath.Join(t.TempDir(), "backup.db")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			res, err := http.Get(srvA.URL() + "/api/daily_papers?date=" + hub.day.Format(quire.DayLayout))
			if err == nil {
				res.Body.Close()
			}
		}
	}()
	out, errOut, err := runQuire(t, "backup", "--db", hub.path, "--to", backup)
	<-done
	if err != nil {
		t.Fatalf("quire backup: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "passes the integrity check") {
		t.Errorf("quire backup output = %q", out)
	}

	// A copy of the backup, interrupted after two batches...
	pgURL := testenv.PostgresURL(t)
	src, err := store.OpenCopySource(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := store.OpenCopyTarget(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := store.PlanCopy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("interrupted")
	batches := 0
	_, err = store.Copy(ctx, src, dst, plan, store.CopyOptions{BatchSize: 500, Source: store.SourceName(backup),
		OnBatch: func(string, int64, int64) error {
			if batches++; batches == 2 {
				return stop
			}
			return nil
		}})
	src.Close()
	dst.Close()
	if !errors.Is(err, stop) {
		t.Fatalf("interrupted copy = %v, want %v", err, stop)
	}

	// ... and resumed by the command.
	out, errOut, err = runQuire(t, "copy", "--from", backup, "--to", pgURL, "--batch", "500")
	if err != nil {
		t.Fatalf("quire copy: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "resuming the interrupted copy") {
		t.Errorf("quire copy did not say it resumed:\n%s", errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s*accounts\s+2\s+2\s*$`),
		regexp.MustCompile(`(?m)^\s*votes\s+2\s+2\s*$`),
		regexp.MustCompile(`(?m)^\s*subscriptions\s+1\s+1\s*$`),
		regexp.MustCompile(`(?m)^\s*digests\s+1\s+1\s*$`),
		regexp.MustCompile(`(?m)^\s*papers\s+(\d+)\s+(\d+)\s*$`),
		regexp.MustCompile(`(?m)^\s*leases\s+\d+\s+0\s+skipped: `),
		regexp.MustCompile(`every count matches`),
	} {
		if !want.MatchString(out) {
			t.Errorf("quire copy output lacks %v:\n%s", want, out)
		}
	}
	if m := regexp.MustCompile(`(?m)^\s*papers\s+(\d+)\s+(\d+)\s*$`).FindStringSubmatch(out); m != nil && (m[1] != m[2] || m[1] == "0") {
		t.Errorf("papers: source %s, target %s", m[1], m[2])
	}

	cfgB := testConfig(t)
	cfgB.DB = pgURL
	cfgB.Secret = hub.secret
	srvB := MustStartServer(t, cfgB)

	// Similar papers on a paper's page come from the search index, which
	// each node builds as it starts.
	for _, srv := range []*Server{srvA, srvB} {
		if !srv.search.WaitReady(ctx) {
			t.Fatal("a node's search index could not be built")
		}
	}
	day := hub.day.Format(quire.DayLayout)
	for _, path := range []string{
		"/api/daily_papers?date=" + day,
		"/api/papers/" + hub.paperID,
		"/api/papers/" + hub.paperID + "/comments",
		"/papers/date/" + day,
		"/papers/" + hub.paperID,
	} {
		resA, bodyA := get(t, srvA.URL()+path)
		resB, bodyB := get(t, srvB.URL()+path)
		if resA.StatusCode != http.StatusOK || resB.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d on SQLite, %d on PostgreSQL; want 200", path, resA.StatusCode, resB.StatusCode)
			continue
		}
		if diff := cmp.Diff(normalise(bodyA, srvA.URL()), normalise(bodyB, srvB.URL())); diff != "" {
			t.Errorf("GET %s mismatch (-SQLite +PostgreSQL):\n%s", path, diff)
		}
	}
	_, body := get(t, srvB.URL()+"/api/papers/"+hub.paperID)
	if want := `"upvotes":` + strconv.Itoa(hub.votes); !strings.Contains(body, want) {
		t.Errorf("the copied paper's API lacks %s (the demo's upvotes and the two votes):\n%.600s", want, body)
	}
	_, body = get(t, srvB.URL()+"/api/papers/"+hub.paperID+"/comments")
	if !strings.Contains(body, "section 4") || !strings.Contains(body, "Agreed.") {
		t.Errorf("the copied comments lack the thread:\n%.600s", body)
	}

	for name, base := range map[string]string{"SQLite": srvA.URL(), "PostgreSQL": srvB.URL()} {
		if got := logIn(t, base, "alice", copyPassword); !strings.Contains(got, "alice") {
			t.Errorf("%s: the account page after logging in does not name alice:\n%.400s", name, got)
		}
	}
	if st := logInStatus(t, srvB.URL(), "alice", "wrong password"); st != http.StatusUnauthorized {
		t.Errorf("PostgreSQL: logging in with a wrong password = %d, want 401", st)
	}

	// The copied subscriber and digest are there, and new rows on the
	// copy take keys after the copied ones.
	db := srvB.DB
	sub, err := db.FindSubscriptionByEmail(ctx, "reader@example.org")
	if err != nil || !sub.Active() {
		t.Errorf("copied subscriber = %+v, %v; want an active one", sub, err)
	}
	if d, err := db.FindDigest(ctx, 1); err != nil || d.SubscriptionID != sub.ID || len(d.PaperIDs) != 1 {
		t.Errorf("copied digest = %+v, %v", d, err)
	}
	a, err := db.CreateAccount(ctx, &quire.Account{Username: "carol", Email: "carol@example.org", PasswordHash: "x", CreatedAt: time.Now()})
	if err != nil || a.ID != 3 {
		t.Errorf("a new account on the copy = %+v, %v; want id 3", a, err)
	}
}

// normalise removes what differs between two servers of the same hub:
// their addresses and the form tokens of a page.
func normalise(body, base string) string {
	body = strings.ReplaceAll(body, base, "BASE")
	return regexp.MustCompile(`name="csrf_token" value="[^"]+"`).ReplaceAllString(body, `name="csrf_token" value=""`)
}

// logIn logs in through the form, as a browser does, and returns the
// account page.
func logIn(t *testing.T, base, user, password string) string {
	t.Helper()
	client := newBrowserClient(t)
	if st := postLogin(t, client, base, user, password); st != http.StatusSeeOther {
		t.Fatalf("%s: logging in as %s = %d, want 303", base, user, st)
	}
	res, err := client.Get(base + "/account")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: account page after logging in = %d", base, res.StatusCode)
	}
	return string(b)
}

func logInStatus(t *testing.T, base, user, password string) int {
	t.Helper()
	return postLogin(t, newBrowserClient(t), base, user, password)
}

func newBrowserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func postLogin(t *testing.T, client *http.Client, base, user, password string) int {
	t.Helper()
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s/login has no form token (status %d)", base, res.StatusCode)
	}
	form := url.Values{"csrf_token": {string(m[1])}, "username": {user}, "password": {password}}
	res, err = client.PostForm(base+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestCopyAndBackupErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"copy", "--from", text}, "usage"},
		{[]string{"copy", "--from", filepath.Join(dir, "none.db"), "--to", "postgres://quire@127.0.0.1:1/quire"}, "does not exist"},
		{[]string{"copy", "--from", text, "--to", "postgres://quire@127.0.0.1:1/quire"}, "is not a SQLite database"},
		{[]string{"copy", "--from", "postgres://quire@127.0.0.1:1/a", "--to", "postgres://quire@127.0.0.1:1/b"}, "must be a SQLite file"},
		{[]string{"backup", "--db", text, "--to", filepath.Join(dir, "b.db")}, "is not a SQLite database"},
		{[]string{"backup", "--db", "postgres://quire@127.0.0.1:1/a", "--to", filepath.Join(dir, "b.db")}, "pg_dump"},
		{[]string{"backup", "--db", text, "--to", text}, "exists already"},
		{[]string{"backup", "--db", text}, "usage"},
	} {
		_, errOut, err := runQuire(t, tc.args...)
		if tc.want == "usage" {
			if !errors.Is(err, ErrUsage) {
				t.Errorf("quire %s = %v, want a usage error", strings.Join(tc.args, " "), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("quire %s = %v (%s), want an error with %q", strings.Join(tc.args, " "), err, errOut, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("quire copy created the missing source")
	}
}
