package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"quire"
	"quire/internal/demo"
	"quire/internal/testenv"
)

// sharedData is the folder of real data beside the repository; QUIRE_TEST_DATA
// overrides it.
func sharedData() string {
	if d := os.Getenv("QUIRE_TEST_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "data")
}

// archiveFile is the daily-papers archive to check: the full one (580 days)
// when the shared data is present, else the ten weeks the demo embeds.
func archiveFile(t *testing.T) string {
	full := filepath.Join(sharedData(), "hf-daily", "daily_papers_by_day.jsonl.zst")
	if _, err := os.Stat(full); err == nil {
		return full
	}
	t.Logf("%s not found: checking the demo's days only", full)
	for _, name := range demo.Files() {
		if strings.Contains(name, "daily_papers") {
			b, err := demoFile(name)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), filepath.Base(name))
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}
	}
	t.Fatal("no daily-papers file in the demo")
	return ""
}

// dayItem is what the API must return for one paper of a day.
type dayItem struct {
	Title   string
	Upvotes int
}

// readArchive reads the expected lists from the archive itself.
func readArchive(t *testing.T, path string) map[string]map[string]dayItem {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	days := map[string]map[string]dayItem{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var day struct {
			Date   string `json:"date"`
			Papers []struct {
				Title string `json:"title"`
				Paper struct {
					ID      string `json:"id"`
					Upvotes int    `json:"upvotes"`
				} `json:"paper"`
			} `json:"papers"`
		}
		if err := json.Unmarshal(sc.Bytes(), &day); err != nil {
			t.Fatal(err)
		}
		items := map[string]dayItem{}
		for _, p := range day.Papers {
			items[p.Paper.ID] = dayItem{Title: quire.OneLine(p.Title), Upvotes: p.Paper.Upvotes}
		}
		days[day.Date] = items
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return days
}

// TestDailyAPIMatchesArchive imports the daily-papers archive with `quire
// import` and checks, for every day, that /api/daily_papers?date=D returns
// exactly that day's papers with the same titles and upvotes, on both
// backends. Importing a second time must change nothing.
func TestDailyAPIMatchesArchive(t *testing.T) {
	path := archiveFile(t)
	want := readArchive(t, path)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := testConfig(t)
			if backend == "postgres" {
				cfg.DB = testenv.PostgresURL(t)
				// Without a SQLite file to sit beside, the snapshot would
				// go to the working folder.
				cfg.IndexPath = filepath.Join(t.TempDir(), "search.idx")
				// PostgreSQL deployments must configure the secret.
				cfg.Secret = strings.Repeat("0123456789abcdef", 4)
			}
			out := mustRun(t, "import", "--db", cfg.DB, path)
			if !strings.Contains(out, "0 skipped") {
				t.Errorf("import reported skipped records:\n%s", out)
			}
			again := mustRun(t, "import", "--db", cfg.DB, path)
			if !strings.Contains(again, "0 inserted, 0 updated") || strings.Contains(again, "daily entries: 0 inserted, 0 updated, 0 unchanged") {
				t.Errorf("second import changed something:\n%s", again)
			}
			srv := MustStartServer(t, cfg)
			checked := 0
			for date, items := range want {
				res, body := get(t, srv.URL()+"/api/daily_papers?limit=100&date="+date)
				if res.StatusCode != 200 {
					t.Fatalf("GET date=%s = %d: %s", date, res.StatusCode, body)
				}
				var got []struct {
					Title string `json:"title"`
					Paper struct {
						ID      string `json:"id"`
						Upvotes int    `json:"upvotes"`
					} `json:"paper"`
				}
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("date=%s: %v", date, err)
				}
				gotItems := map[string]dayItem{}
				for _, g := range got {
					gotItems[g.Paper.ID] = dayItem{Title: g.Title, Upvotes: g.Paper.Upvotes}
				}
				if diff := cmp.Diff(items, gotItems); diff != "" {
					t.Errorf("daily_papers?date=%s mismatch (-archive +api):\n%s", date, diff)
				}
				checked++
			}
			t.Logf("%s: %d days checked", backend, checked)
		})
	}
}

// mustRun runs a quire command in-process and returns its standard output.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if err := Run(t.Context(), env, args); err != nil {
		t.Fatalf("quire %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func demoFile(name string) ([]byte, error) {
	f, err := demo.Open(name)
	if err != nil {
		return nil, fmt.Errorf("demo file %s: %w", name, err)
	}
	defer f.Close()
	return io.ReadAll(f)
}
