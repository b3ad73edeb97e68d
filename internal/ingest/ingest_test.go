package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"quire"
	"quire/internal/ingest"
	"quire/internal/store/sqlite"
)

const (
	listings = "../../testdata/arxiv/listings_sample.jsonl"
	kaggle   = "../../testdata/arxiv/kaggle_sample_200.jsonl"
	days     = "../../testdata/hf/days_sample.jsonl"
	dayFile  = "../../testdata/hf/daily_papers_2025-06-16.json"
)

// MustOpenStore opens a migrated SQLite store in a temporary folder.
func MustOpenStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func newImporter(db ingest.Store) *ingest.Importer {
	return &ingest.Importer{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BatchSize: 7}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func countLines(b []byte) int { return bytes.Count(bytes.TrimSpace(b), []byte("\n")) + 1 }

// TestImportFormats imports each real format, compressed and not, and
// checks the counts against the files themselves; a second import of the
// same file changes nothing.
func TestImportFormats(t *testing.T) {
	hfDay := mustRead(t, dayFile)
	var hfItems []any
	if err := jsonUnmarshal(hfDay, &hfItems); err != nil {
		t.Fatal(err)
	}
	dayItems := 0
	for _, line := range bytes.Split(bytes.TrimSpace(mustRead(t, days)), []byte("\n")) {
		var d struct{ Papers []any }
		if err := jsonUnmarshal(line, &d); err != nil {
			t.Fatal(err)
		}
		dayItems += len(d.Papers)
	}
	for _, tc := range []struct {
		name, file      string
		papers, entries int
	}{
		{"arXiv listing", listings, countLines(mustRead(t, listings)), 0},
		{"arXiv snapshot", kaggle, countLines(mustRead(t, kaggle)), 0},
		{"daily-papers archive", days, dayItems, dayItems},
		{"daily-papers array", dayFile, len(hfItems), len(hfItems)},
	} {
		for _, enc := range []string{"plain", "gzip", "zstd"} {
			t.Run(tc.name+"/"+enc, func(t *testing.T) {
				db := MustOpenStore(t)
				im := newImporter(db)
				name := filepath.Base(tc.file)
				data := compress(t, enc, mustRead(t, tc.file))
				sum, err := im.Import(t.Context(), name, bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatalf("Import: %v", err)
				}
				if sum.Read != tc.papers || sum.Papers.Inserted != tc.papers || sum.Entries.Inserted != tc.entries || sum.Skipped != 0 {
					t.Errorf("Import = %s; want %d papers and %d entries inserted", sum, tc.papers, tc.entries)
				}
				n, _ := db.CountPapers(t.Context())
				if n != tc.papers {
					t.Errorf("CountPapers() = %d, want %d", n, tc.papers)
				}
				again, err := im.Import(t.Context(), name, bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				want := quire.UpsertStats{Unchanged: tc.papers}
				if again.Papers != want || again.Entries != (quire.UpsertStats{Unchanged: tc.entries}) {
					t.Errorf("second Import = %s; want everything unchanged", again)
				}
			})
		}
	}
}

func compress(t *testing.T, enc string, data []byte) []byte {
	var buf bytes.Buffer
	switch enc {
	case "gzip":
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	case "zstd":
		zw, _ := zstd.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	default:
		return data
	}
	return buf.Bytes()
}

// TestImportDayFromFileName checks that a day's array takes its day from
// the file name, as saved from /api/daily_papers?date=D.
func TestImportDayFromFileName(t *testing.T) {
	db := MustOpenStore(t)
	if _, err := newImporter(db).ImportFile(t.Context(), dayFile); err != nil {
		t.Fatal(err)
	}
	d, _ := quire.ParseDay("2025-06-16")
	items, _, err := db.FindDailyItems(t.Context(), quire.DailyFilter{From: d, To: d.AddDate(0, 0, 1)})
	if err != nil || len(items) == 0 {
		t.Fatalf("no entries on 2025-06-16: %v", err)
	}
}

// TestImportCorruptLines damages a real file in several ways; every good
// line is imported and every bad one is reported by its line number.
func TestImportCorruptLines(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, listings))), "\n")
	lines = lines[:20]
	lines[4] = lines[4][:len(lines[4])/2]                                     // line 5: truncated
	lines[9] = strings.Replace(lines[9], `"id": "`, `"id": "not-an-id`, 1)    // line 10: bad id
	lines[14] = "garbage \x00\xff"                                            // line 15: not JSON
	lines[16] = `{"id": 42}`                                                  // line 17: wrong type
	lines = append(lines[:18], append([]string{"", "   "}, lines[18:]...)...) // blank lines 19, 20
	data := []byte(strings.Join(lines, "\n"))

	db := MustOpenStore(t)
	sum, err := newImporter(db).Import(t.Context(), "damaged.jsonl", bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if sum.Papers.Inserted != 16 || sum.Skipped != 4 || sum.Read != 20 {
		t.Errorf("Import = %s; want 16 inserted, 4 skipped of 20 read", sum)
	}
	var got []string
	for _, p := range sum.Problems {
		got = append(got, p.String()[:len("damaged.jsonl:NN")])
	}
	want := []string{"damaged.jsonl:5", "damaged.jsonl:10", "damaged.jsonl:15", "damaged.jsonl:17"}
	for i := range want {
		want[i] = (want[i] + ":")[:len("damaged.jsonl:NN")]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem lines mismatch (-want +got):\n%s", diff)
	}
	for _, p := range sum.Problems {
		if quire.UserMessage(p.Err) == "" {
			t.Errorf("problem %v has no user-facing message", p)
		}
	}
}

// TestImportTruncatedArchive cuts a compressed file short: what came before
// the break is stored, and the error says the file is damaged.
func TestImportTruncatedArchive(t *testing.T) {
	data := compress(t, "gzip", mustRead(t, kaggle))
	cut := data[:len(data)*2/3]
	db := MustOpenStore(t)
	sum, err := newImporter(db).Import(t.Context(), "cut.jsonl.gz", bytes.NewReader(cut), int64(len(cut)))
	if err == nil {
		t.Fatal("Import of a truncated gzip file succeeded")
	}
	if !strings.Contains(err.Error(), "cut.jsonl.gz") {
		t.Errorf("error %q does not name the file", err)
	}
	n, _ := db.CountPapers(t.Context())
	if n == 0 || n != sum.Papers.Inserted {
		t.Errorf("stored %d papers, summary says %d inserted; want the records before the cut", n, sum.Papers.Inserted)
	}
}

func TestImportRejectsUnknownFiles(t *testing.T) {
	for name, data := range map[string]string{
		"text":    "Title: a paper\nAuthors: someone\n",
		"csv":     "id,title\n2401.00001,x\n",
		"object":  `{"hello": "world"}` + "\n",
		"binary":  "\x89PNG\r\n\x1a\n",
		"badjson": "[{\"paper\": ",
	} {
		t.Run(name, func(t *testing.T) {
			db := MustOpenStore(t)
			_, err := newImporter(db).Import(t.Context(), name, strings.NewReader(data), 0)
			if err == nil {
				t.Errorf("Import(%q) succeeded", data)
			}
		})
	}
	db := MustOpenStore(t)
	sum, err := newImporter(db).Import(t.Context(), "empty", strings.NewReader("\n\n"), 0)
	if err != nil || sum.Read != 0 {
		t.Errorf("Import(empty) = %s, %v; want nothing read and no error", sum, err)
	}
}

// TestImportLongLine checks that a line over the limit is skipped, not
// loaded whole into memory, and the rest imported.
func TestImportLongLine(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, listings))), "\n")[:3]
	long := `{"id": "2501.00001", "title": "` + strings.Repeat("x", 65<<20) + `"}`
	data := strings.Join([]string{lines[0], long, lines[1], lines[2]}, "\n")
	db := MustOpenStore(t)
	sum, err := newImporter(db).Import(t.Context(), "long.jsonl", strings.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Papers.Inserted != 3 || sum.Skipped != 1 || len(sum.Problems) != 1 || sum.Problems[0].Line != 2 {
		t.Errorf("Import = %s, problems %v; want 3 inserted and line 2 skipped", sum, sum.Problems)
	}
}

func TestImportDryRun(t *testing.T) {
	db := MustOpenStore(t)
	im := newImporter(db)
	im.DryRun = true
	sum, err := im.ImportFile(t.Context(), days)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ParsedPapers == 0 || sum.ParsedPapers != sum.ParsedEntries || !strings.HasPrefix(sum.String(), "dry run:") {
		t.Errorf("dry run = %s", sum)
	}
	if n, _ := db.CountPapers(t.Context()); n != 0 {
		t.Errorf("dry run stored %d papers", n)
	}
}

func TestImportCanceled(t *testing.T) {
	db := MustOpenStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := newImporter(db).ImportFile(ctx, kaggle)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Import with a canceled context = %v, want context.Canceled", err)
	}
}

// failingStore fails every write after the first batch, as a full disk
// would; it wraps a real store.
type failingStore struct {
	ingest.Store
	calls int
}

func (s *failingStore) UpsertPapers(ctx context.Context, ps []*quire.Paper) (quire.UpsertStats, error) {
	s.calls++
	if s.calls > 1 {
		return quire.UpsertStats{}, errors.New("disk full")
	}
	return s.Store.UpsertPapers(ctx, ps)
}

func TestImportStoreFailure(t *testing.T) {
	db := MustOpenStore(t)
	fs := &failingStore{Store: db}
	sum, err := newImporter(fs).ImportFile(t.Context(), kaggle)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Import = %v, want the store's error", err)
	}
	if n, _ := db.CountPapers(t.Context()); n != 7 || sum.Papers.Inserted != 7 {
		t.Errorf("stored %d papers (summary %d), want the first batch of 7", n, sum.Papers.Inserted)
	}
}
