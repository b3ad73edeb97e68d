// Package ingest imports paper files into the store: it recognises the
// format, decompresses, parses records in parallel, and writes them in
// batched transactions, reporting progress and every malformed record.
package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"quire"
	"quire/internal/progress"
)

// Store is what an import writes to.
type Store interface {
	UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error)
	UpsertDailyEntries(ctx context.Context, entries []*quire.DailyEntry) (quire.UpsertStats, error)
}

// Importer imports files into a store.
type Importer struct {
	Store  Store
	Logger *slog.Logger
	// Progress, when set, receives a progress report (a bar on a
	// terminal, log lines otherwise).
	Progress io.Writer
	// BatchSize is the number of papers per transaction (default 1000).
	BatchSize int
	// Workers is the number of parsing goroutines (default GOMAXPROCS).
	Workers int
	// DryRun parses and checks every record but stores nothing; the
	// summary then counts the records that would be written in Parsed.
	DryRun bool
	// Checkpoints, when set, keep the position of each file's import, so
	// that an interrupted import of the same, unchanged file resumes
	// where it stopped (see Restart).
	Checkpoints Checkpoints
	// Restart ignores saved positions.
	Restart bool
}

// Summary counts what an import did.
type Summary struct {
	// Read counts records read: lines, or items of a day's list.
	Read    int
	Papers  quire.UpsertStats
	Entries quire.UpsertStats
	// Parsed counts the papers and daily entries read without error (in a
	// dry run, what would have been written).
	ParsedPapers, ParsedEntries int
	// Skipped counts malformed or invalid records; Problems describes the
	// first of them.
	Skipped  int
	Problems []Problem
	// Resumed counts the records an earlier, interrupted import of the
	// file had stored, which this one passed over.
	Resumed int
}

// maxProblems bounds the problems kept in a Summary (all are logged).
const maxProblems = 100

// Add accumulates o into s.
func (s *Summary) Add(o Summary) {
	s.Read += o.Read
	s.Papers.Add(o.Papers)
	s.Entries.Add(o.Entries)
	s.ParsedPapers += o.ParsedPapers
	s.ParsedEntries += o.ParsedEntries
	s.Skipped += o.Skipped
	s.Resumed += o.Resumed
	for _, p := range o.Problems {
		if len(s.Problems) < maxProblems {
			s.Problems = append(s.Problems, p)
		}
	}
}

// String is the summary as the command line prints it.
func (s Summary) String() string {
	c := func(n int) string { return progress.Count(int64(n)) }
	var b strings.Builder
	if s.Papers == (quire.UpsertStats{}) && s.Entries == (quire.UpsertStats{}) && s.ParsedPapers+s.ParsedEntries > 0 {
		fmt.Fprintf(&b, "dry run: read %s records; %s papers and %s daily entries are valid; %s skipped",
			c(s.Read), c(s.ParsedPapers), c(s.ParsedEntries), c(s.Skipped))
		return b.String()
	}
	fmt.Fprintf(&b, "read %s records; papers: %s inserted, %s updated, %s unchanged",
		c(s.Read), c(s.Papers.Inserted), c(s.Papers.Updated), c(s.Papers.Unchanged))
	if e := s.Entries; e != (quire.UpsertStats{}) {
		fmt.Fprintf(&b, "; daily entries: %s inserted, %s updated, %s unchanged",
			c(e.Inserted), c(e.Updated), c(e.Unchanged))
	}
	fmt.Fprintf(&b, "; %s skipped", c(s.Skipped+s.Papers.Skipped+s.Entries.Skipped))
	if s.Resumed > 0 {
		fmt.Fprintf(&b, "; resumed after the %s records an interrupted import had stored", c(s.Resumed))
	}
	return b.String()
}

// Problem is a record that could not be imported.
type Problem struct {
	File string
	// Line is the 1-based line of the record; for a file holding one JSON
	// array, Item is the 1-based position in it instead.
	Line, Item int
	Err        error
}

func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Item > 0:
		return fmt.Sprintf("%s:%d: item %d: %v", p.File, p.Line, p.Item, p.Err)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %v", p.File, p.Line, p.Err)
	default:
		return fmt.Sprintf("%s: item %d: %v", p.File, p.Item, p.Err)
	}
}

// ImportFile imports one file. A malformed record is reported and skipped;
// an error is returned only when the file cannot be read at all or the store
// fails, and what was stored before stays stored.
func (im *Importer) ImportFile(ctx context.Context, path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	var size int64
	var file os.FileInfo
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size, file = st.Size(), st
	}
	skip := 0
	if !im.Restart {
		if skip, err = im.resumePoint(ctx, path, file); err != nil {
			return Summary{}, err
		}
	}
	return im.importFrom(ctx, path, f, size, file, skip)
}

// Import imports a stream named name (for messages and for the day a
// file's name may carry) of size bytes (0 if unknown).
func (im *Importer) Import(ctx context.Context, name string, r io.Reader, size int64) (Summary, error) {
	return im.importFrom(ctx, name, r, size, nil, 0)
}

// importFrom imports a stream, passing over its first skip records (stored
// by an interrupted import of file, which keeps the position when set).
func (im *Importer) importFrom(ctx context.Context, name string, r io.Reader, size int64, file os.FileInfo, skip int) (Summary, error) {
	counted := &countingReader{r: r}
	dec, err := decompress(counted)
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", name, err)
	}
	defer dec.Close()
	src, err := detect(dec, filepath.Base(name))
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", name, err)
	}
	var bar *progress.Bar
	if im.Progress != nil {
		bar = progress.Start(im.Progress, "importing "+filepath.Base(name), size)
	}
	run := &run{im: im, name: name, src: src, counted: counted, bar: bar, file: file, skip: skip}
	sum, err := run.do(ctx)
	if bar != nil {
		bar.Finish()
	}
	return sum, err
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger != nil {
		return im.Logger
	}
	return slog.Default()
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64 // written by the reading goroutine only; read via atomic in run
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	addInt64(&c.n, int64(n))
	return n, err
}
