// Package demo holds a small real catalogue embedded in the binary: ten weeks
// of daily lists and a few days of arXiv listings, loaded on first start so a
// new hub shows real papers with no network. generate.sh rebuilds it.
package demo

import (
	"context"
	"embed"
	"io/fs"
	"path"

	"quire/internal/ingest"
)

//go:embed data/*.jsonl.zst
var files embed.FS

// Files lists the embedded files, in import order.
func Files() []string {
	names, err := fs.Glob(files, "data/*.jsonl.zst")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	return names
}

// Load imports the demo catalogue with im.
func Load(ctx context.Context, im *ingest.Importer) (ingest.Summary, error) {
	var total ingest.Summary
	// The names sort the arXiv listings first, so that the daily lists'
	// records of the same papers (with upvotes, code links) merge into them.
	for _, name := range Files() {
		f, err := files.Open(name)
		if err != nil {
			return total, err
		}
		st, _ := f.Stat()
		sum, err := im.Import(ctx, "demo/"+path.Base(name), f, st.Size())
		f.Close()
		total.Add(sum)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Open opens one of the embedded files named by Files.
func Open(name string) (fs.File, error) { return files.Open(name) }
