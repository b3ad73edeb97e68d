package search

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"slices"
	"time"

	"quire"
	"quire/internal/embedding"
)

// SettingModel is the setting that names the built-in embedding model in
// use; every node reads it, so all embed alike.
const SettingModel = "search.model"

// ModelKindBuiltin marks stored models of package embedding's own kind.
const ModelKindBuiltin = "builtin"

// ModelStore is what model management reads and writes.
type ModelStore interface {
	FindPaperChanges(ctx context.Context, afterSeq int64, limit int) ([]*quire.PaperChange, error)
	SaveModel(ctx context.Context, m *quire.Model) error
	FindModel(ctx context.Context, name string) (*quire.Model, error)
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	DeleteEmbeddings(ctx context.Context, model string) error
}

// LoadBuiltin returns the built-in model in use, or an error of kind
// quire.ErrNotFound when none has been trained.
func LoadBuiltin(ctx context.Context, st ModelStore) (*embedding.Model, error) {
	name, err := st.Setting(ctx, SettingModel)
	if err != nil {
		return nil, err
	}
	stored, err := st.FindModel(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("search: model %s: %w", name, err)
	}
	if stored.Kind != ModelKindBuiltin {
		return nil, fmt.Errorf("search: model %s is of kind %q, not %q", name, stored.Kind, ModelKindBuiltin)
	}
	m := new(embedding.Model)
	if err := m.UnmarshalBinary(stored.Data); err != nil {
		return nil, fmt.Errorf("search: model %s: %w", name, err)
	}
	return m, nil
}

// TrainBuiltin learns a built-in model from the catalogue's titles and
// abstracts, stores it and makes it the model in use. The previous model's
// vectors are deleted once the new one is in place.
func TrainBuiltin(ctx context.Context, st ModelStore, opts embedding.TrainOptions, logger *slog.Logger) (*embedding.Model, error) {
	if logger == nil {
		logger = slog.Default()
	}
	cat := newCatalogueTexts(ctx, st)
	defer cat.close()
	docs := cat.all
	start := time.Now()
	m, err := embedding.Train(ctx, iter.Seq[string](docs), opts)
	if cat.err != nil {
		return nil, fmt.Errorf("search: reading the catalogue: %w", cat.err)
	}
	if err != nil {
		return nil, fmt.Errorf("search: training the embedding model: %w", err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	old, err := st.Setting(ctx, SettingModel)
	if err != nil && !errors.Is(err, quire.ErrNotFound) {
		return nil, err
	}
	if err := st.SaveModel(ctx, &quire.Model{Name: m.Name(), Kind: ModelKindBuiltin, Data: data, CreatedAt: time.Now().UTC()}); err != nil {
		return nil, err
	}
	if err := st.SetSetting(ctx, SettingModel, m.Name()); err != nil {
		return nil, err
	}
	if old != "" && old != m.Name() {
		if err := st.DeleteEmbeddings(ctx, old); err != nil {
			return nil, err
		}
	}
	logger.Info("trained the embedding model", "model", m.Name(), "dim", m.Dim(), "terms", m.Terms(),
		"took", time.Since(start).Round(time.Millisecond))
	return m, nil
}

// EmbedStore is what EmbedMissing reads and writes.
type EmbedStore interface {
	FindPapersWithoutEmbedding(ctx context.Context, model, afterPaperID string, limit int) ([]*quire.Paper, error)
	UpsertEmbeddings(ctx context.Context, model string, vectors []quire.Embedding) error
}

// EmbedMissing embeds and stores every paper that has no vector of emb's
// model yet (after an import, say) and returns how many it embedded;
// progress, when set, is told the running count.
func EmbedMissing(ctx context.Context, st EmbedStore, emb embedding.Embedder, progress func(n int)) (int, error) {
	n, after := 0, ""
	for {
		papers, err := st.FindPapersWithoutEmbedding(ctx, emb.Name(), after, embedBatch)
		if err != nil {
			return n, err
		}
		if len(papers) == 0 {
			return n, nil
		}
		texts := make([]string, len(papers))
		for i, p := range papers {
			texts[i] = embedText(p)
		}
		vecs, err := emb.Embed(ctx, texts)
		if err != nil {
			return n, fmt.Errorf("search: embedding %d papers: %w", len(texts), err)
		}
		stored := make([]quire.Embedding, len(vecs))
		for i, v := range vecs {
			stored[i] = quire.Embedding{PaperID: papers[i].ID, Vector: encodeVector(v)}
		}
		if err := st.UpsertEmbeddings(ctx, emb.Name(), stored); err != nil {
			return n, err
		}
		n += len(papers)
		after = papers[len(papers)-1].ID
		if progress != nil {
			progress(n)
		}
	}
}

// trainBatch is how many papers a training pass reads at a time.
const trainBatch = 5000

// catalogueTexts yields the text of every paper for training, which reads
// the catalogue more than once: the first pass reads the store, fetching
// the next batch while the trainer works on the current one, and keeps the
// texts in a temporary file that later passes read instead, so the
// database is read once (a million papers take about 1.4 GB of
// temporary space). Without a file it can write, every pass reads the
// store.
type catalogueTexts struct {
	ctx     context.Context
	st      ModelStore
	spool   *os.File
	spooled bool  // the file holds the whole catalogue
	err     error // the first error reading the store
}

func newCatalogueTexts(ctx context.Context, st ModelStore) *catalogueTexts {
	c := &catalogueTexts{ctx: ctx, st: st}
	if f, err := os.CreateTemp("", "quire-train-*"); err == nil {
		c.spool = f
	}
	return c
}

// close removes the temporary file.
func (c *catalogueTexts) close() {
	if c.spool != nil {
		c.spool.Close()
		os.Remove(c.spool.Name())
		c.spool = nil
	}
}

// all yields every text, from the file once it holds them all.
func (c *catalogueTexts) all(yield func(string) bool) {
	if c.err != nil {
		return
	}
	if c.spooled {
		if err := c.replay(yield); err != nil {
			c.err = fmt.Errorf("reading back %s: %w", c.spool.Name(), err)
		}
		return
	}
	c.read(yield)
}

// read yields the store's texts, writing them to the file on the way when
// it is empty.
func (c *catalogueTexts) read(yield func(string) bool) {
	var w *bufio.Writer
	if c.spool != nil {
		if _, err := c.spool.Seek(0, io.SeekStart); err == nil && c.spool.Truncate(0) == nil {
			w = bufio.NewWriterSize(c.spool, 1<<20)
		}
	}
	ctx, cancel := context.WithCancel(c.ctx)
	batches := make(chan []*quire.PaperChange, 1)
	var readErr error
	go func() {
		defer close(batches)
		for after := int64(0); ; {
			batch, err := c.st.FindPaperChanges(ctx, after, trainBatch)
			if err != nil {
				readErr = err
				return
			}
			if len(batch) == 0 {
				return
			}
			select {
			case batches <- batch:
			case <-ctx.Done():
				readErr = ctx.Err() // the pass is not whole
				return
			}
			after = batch[len(batch)-1].Seq
		}
	}()
	defer func() {
		cancel()
		for range batches {
			// Let the reader see the cancellation and stop.
		}
	}()
	var lenBuf [binary.MaxVarintLen64]byte
	for batch := range batches {
		for _, ch := range batch {
			text := embedText(&ch.Paper)
			if w != nil {
				// A failed write sticks to w and shows at Flush.
				w.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(text)))])
				w.WriteString(text)
			}
			if !yield(text) {
				return
			}
		}
	}
	// The channel is closed: the reader has returned.
	if readErr != nil {
		c.err = readErr
		return
	}
	c.spooled = w != nil && w.Flush() == nil
}

// replay yields the texts from the file.
func (c *catalogueTexts) replay(yield func(string) bool) error {
	if _, err := c.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(c.spool, 1<<20)
	var buf []byte
	for {
		n, err := binary.ReadUvarint(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n > 1<<30 {
			return errors.New("corrupt length")
		}
		buf = slices.Grow(buf[:0], int(n))[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		if !yield(string(buf)) {
			return nil
		}
	}
}
