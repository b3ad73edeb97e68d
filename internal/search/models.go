package search

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
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
	var readErr error
	docs := func(yield func(string) bool) {
		for after := int64(0); ; {
			batch, err := st.FindPaperChanges(ctx, after, 5000)
			if err != nil {
				readErr = err
				return
			}
			if len(batch) == 0 {
				return
			}
			for _, c := range batch {
				if !yield(embedText(&c.Paper)) {
					return
				}
			}
			after = batch[len(batch)-1].Seq
		}
	}
	start := time.Now()
	m, err := embedding.Train(ctx, iter.Seq[string](docs), opts)
	if readErr != nil {
		return nil, fmt.Errorf("search: reading the catalogue: %w", readErr)
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
