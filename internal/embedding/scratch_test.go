package embedding

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

type memHandler struct{ slog.Handler }

func (h memHandler) Handle(ctx context.Context, r slog.Record) error {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.AddAttrs(slog.Uint64("heapMB", ms.HeapInuse>>20), slog.Uint64("sysMB", ms.Sys>>20))
	return h.Handler.Handle(ctx, r)
}

func TestScratchProfile(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	cat := loadCatalogue(t, hfPapers, arxivListings)
	texts := cat.texts
	p := defaults(TrainOptions{Seed: 1, Logger: slog.New(memHandler{slog.NewTextHandler(os.Stderr, nil)})})
	start := time.Now()
	m, err := train(context.Background(), slices.Values(texts), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("train %v", time.Since(start))
	start = time.Now()
	m.Embed(context.Background(), cat.texts[20000:30000])
	t.Logf("embed %v per doc", time.Since(start)/10000)
}
