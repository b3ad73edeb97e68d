package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire"
	"quire/internal/digest"
	"quire/internal/ingest"
	"quire/internal/store"
	"quire/internal/testenv"
)

// childEnv, when set, makes the test binary run as `quire` with its
// arguments: the crash test starts it as a child process to kill it.
const childEnv = "QUIRE_TEST_AS_QUIRE"

// runAsQuire runs the command line of a child process and exits.
func runAsQuire() {
	ctx := context.Background()
	err := Run(ctx, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "quire:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// crashSubscribers is how many digests the crash test sends.
const crashSubscribers = 2000

// TestDigestCrash kills (SIGKILL) `quire digest run` in the middle of
// sending 2,000 digests to a real SMTP server, starts it again, lets it
// finish, and checks that every subscriber received exactly one digest:
// on SQLite, on PostgreSQL, and on PostgreSQL with two nodes sending at
// once, one of which is killed.
//
// Delivery is at least once with a stable Message-ID per digest: a digest
// that the server took just before the kill, but that the dead node had
// not yet recorded, goes again after its lease, and the server drops the
// repeat by its Message-ID, as mail providers do. The test checks that
// only digests in flight at the kill were sent again.
func TestDigestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 2,000 messages per backend")
	}
	for _, tc := range []struct {
		name  string
		dsn   func(t *testing.T) string
		nodes int
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "quire.db") }, 1},
		{"postgres", func(t *testing.T) string { return testenv.PostgresURL(t) }, 1},
		{"postgres two nodes", func(t *testing.T) string { return testenv.PostgresURL(t) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			mustDigestCatalogue(t, dsn, crashSubscribers)
			mp := testenv.StartMailpit(t, testenv.MailpitOptions{IgnoreDuplicateIDs: true})
			env := append(os.Environ(),
				childEnv+"=1",
				"QUIRE_DB="+dsn,
				"QUIRE_SECRET="+strings.Repeat("s", 32),
				"QUIRE_BASE_URL=https://quire.example",
				"QUIRE_SMTP_HOST="+mp.SMTPHost,
				"QUIRE_SMTP_PORT="+strconv.Itoa(mp.SMTPPort),
				"QUIRE_SMTP_SECURITY=none",
				"QUIRE_MAIL_FROM=Quire <digest@quire.example>",
				"QUIRE_MAIL_RATE=0",
				"QUIRE_DIGEST_LEASE=2s",
				"QUIRE_LOG_LEVEL=warn",
			)
			args := []string{"digest", "run", "--period", "daily", "--day", "2025-06-17"}
			start := func() (*exec.Cmd, *strings.Builder) {
				cmd := exec.Command(os.Args[0], args...)
				cmd.Env = env
				var out strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd, &out
			}

			victim, victimOut := start()
			var other *exec.Cmd
			var otherOut *strings.Builder
			if tc.nodes == 2 {
				other, otherOut = start()
			}
			// Kill the victim a quarter of the way through.
			deadline := time.Now().Add(2 * time.Minute)
			for mp.Count() < crashSubscribers/4 {
				if time.Now().After(deadline) {
					victim.Process.Kill()
					t.Fatalf("only %d messages after 2 minutes:\n%s", mp.Count(), victimOut)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := victim.Wait(); err == nil {
				t.Fatalf("the run finished before it was killed (%d messages); the test proves nothing:\n%s", mp.Count(), victimOut)
			}
			killedAt := mp.Count()

			// Start it again and let both finish.
			again, againOut := start()
			for _, c := range []struct {
				cmd *exec.Cmd
				out *strings.Builder
			}{{again, againOut}, {other, otherOut}} {
				if c.cmd == nil {
					continue
				}
				if err := c.cmd.Wait(); err != nil {
					t.Fatalf("run: %v\n%s", err, c.out)
				}
			}
			t.Logf("killed after %d messages; restarted run:\n%s", killedAt, againOut)

			// Exactly one digest each.
			got := map[string]int{}
			for _, m := range mp.Messages() {
				for _, to := range m.To {
					got[to.Address]++
				}
			}
			var missing, twice []string
			for i := range crashSubscribers {
				addr := subscriberAddr(i)
				switch got[addr] {
				case 1:
				case 0:
					missing = append(missing, addr)
				default:
					twice = append(twice, addr)
				}
			}
			if len(got) != crashSubscribers || len(missing)+len(twice) > 0 {
				t.Errorf("%d addresses got mail; %d missing %v, %d more than once %v", len(got), len(missing), head(missing), len(twice), head(twice))
			}
			db, err := store.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			st, err := db.DigestStats(t.Context(), "daily:2025-06-16")
			if err != nil {
				t.Fatal(err)
			}
			if st != (quire.DigestRunStats{Sent: crashSubscribers}) {
				t.Errorf("outbox after the runs: %+v", st)
			}
			// Sent again: only what the killed node held, at most its
			// workers' claims.
			retried := 0
			for id, found := int64(1), 0; found < crashSubscribers && id < 3*crashSubscribers; id++ {
				d, err := db.FindDigest(t.Context(), id)
				if err != nil {
					continue
				}
				found++
				if d.Attempts > 1 {
					retried++
				}
			}
			if bound := digest.DefaultWorkers * digest.ClaimPerWorker; retried > bound {
				t.Errorf("%d digests were tried more than once; a killed node holds at most %d", retried, bound)
			}
			t.Logf("%d digests tried twice (held by the killed node)", retried)
		})
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

func subscriberAddr(i int) string { return fmt.Sprintf("reader%04d@example.org", i) }

// mustDigestCatalogue prepares a database: the real list of 2025-06-16
// and n confirmed daily subscribers.
func mustDigestCatalogue(t *testing.T, dsn string, n int) {
	t.Helper()
	ctx := t.Context()
	db, _, err := store.OpenMigrated(ctx, dsn, store.MigrateAlways)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	im := &ingest.Importer{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := im.ImportFile(ctx, "../../testdata/hf/daily_papers_2025-06-16.json"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s, err := db.Subscribe(ctx, &quire.Subscription{Email: subscriberAddr(i), Frequency: quire.Daily, CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ConfirmSubscription(ctx, s.ID, at); err != nil {
			t.Fatal(err)
		}
	}
}
