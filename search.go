package quire

import (
	"context"
	"io"
	"time"
)

// SearchStore is what the search engine reads and keeps in the store: a
// change feed of the catalogue to follow, the papers to show for results,
// embedding models and vectors, and small settings.
type SearchStore interface {
	// FindPaperChanges returns, in Seq order, at most limit papers whose
	// record or daily entries changed after afterSeq (0: from the start).
	// Every write that touches a paper gives it a new, larger Seq, and a
	// write becomes visible in Seq order, so a reader that resumes from
	// the last Seq it saw misses nothing.
	FindPaperChanges(ctx context.Context, afterSeq int64, limit int) ([]*PaperChange, error)
	// FindPapersByIDs returns the stored papers among ids, in the order of
	// ids; unknown ids are left out.
	FindPapersByIDs(ctx context.Context, ids []string) ([]*Paper, error)

	// SaveModel stores an embedding model, replacing one of the same name.
	SaveModel(ctx context.Context, m *Model) error
	// FindModel returns the model with name, or an error of kind ErrNotFound.
	FindModel(ctx context.Context, name string) (*Model, error)

	// UpsertEmbeddings stores vectors of model, replacing earlier ones of
	// the same papers; vectors of unknown papers are skipped.
	UpsertEmbeddings(ctx context.Context, model string, vectors []Embedding) error
	// FindEmbeddings returns, in paper id order, at most limit vectors of
	// model for papers after afterPaperID ("" from the start).
	FindEmbeddings(ctx context.Context, model, afterPaperID string, limit int) ([]Embedding, error)
	// FindPapersWithoutEmbedding returns, in id order, at most limit papers
	// after afterPaperID that have no vector of model yet.
	FindPapersWithoutEmbedding(ctx context.Context, model, afterPaperID string, limit int) ([]*Paper, error)
	// DeleteEmbeddings removes every vector of model.
	DeleteEmbeddings(ctx context.Context, model string) error

	// PutSearchSnapshot stores a snapshot of a search index, read from r
	// to its end, so that a node starting without one of its own can fetch
	// it instead of rebuilding the index from the catalogue (minutes on a
	// large one). It replaces the stored snapshot only once completely
	// written: readers never see a partial one. Seq and Model describe the
	// snapshot; ID, Size, SHA256 and CreatedAt are set by the store.
	PutSearchSnapshot(ctx context.Context, s SearchSnapshot, r io.Reader) (*SearchSnapshot, error)
	// FindSearchSnapshot describes the stored snapshot, or returns an error
	// of kind ErrNotFound.
	FindSearchSnapshot(ctx context.Context) (*SearchSnapshot, error)
	// ReadSearchSnapshot writes the bytes of the snapshot with id to w. It
	// fails with an error of kind ErrNotFound when that snapshot is not (or
	// no longer: a newer one replaced it while it was read) stored.
	ReadSearchSnapshot(ctx context.Context, id int64, w io.Writer) error

	// PutSimilarPapers stores the neighbours a node found for papers,
	// replacing those stored earlier for the same papers, so that every
	// node (and this one after a restart) reuses them rather than search
	// the vector index again. Sets of papers not in the catalogue are
	// skipped.
	PutSimilarPapers(ctx context.Context, sets []SimilarPapers) error
	// FindSimilarPapers returns the neighbours stored for paperID, or an
	// error of kind ErrNotFound. Whether they are still good (their model,
	// their age) is the caller's to judge.
	FindSimilarPapers(ctx context.Context, paperID string) (*SimilarPapers, error)

	// Setting returns the value stored under key, or an error of kind
	// ErrNotFound; SetSetting stores one.
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// PaperChange is one entry of the catalogue's change feed: a paper as it is
// now, with the counts of its best-voted daily entry.
type PaperChange struct {
	Seq         int64
	Paper       Paper
	Upvotes     int // 0 when never listed
	NumComments int
}

// Model is a stored embedding model: its name identifies the vectors it
// made, Kind says which implementation reads Data.
type Model struct {
	Name      string
	Kind      string
	Data      []byte
	CreatedAt time.Time
}

// SearchSnapshot describes a search index snapshot kept in the store.
type SearchSnapshot struct {
	ID int64
	// Seq is the change-feed position the snapshot reflects; Model names
	// the embedding model of its vectors ("" without vectors).
	Seq   int64
	Model string
	// Size and SHA256 (hex) are those of the whole snapshot, checked by
	// the reader before it uses what it fetched.
	Size      int64
	SHA256    string
	CreatedAt time.Time
}

// SimilarPapers are a paper's nearest neighbours by meaning, as a node's
// vector index found them.
type SimilarPapers struct {
	PaperID string
	// Model names the embedding model of the vectors they come from.
	Model string
	// K is how many were asked for; Neighbours has fewer when the index
	// held fewer. Best first.
	K          int
	Neighbours []Neighbour
	ComputedAt time.Time
}

// Neighbour is one of a paper's similar papers and its cosine similarity.
type Neighbour struct {
	PaperID string  `json:"id"`
	Score   float32 `json:"score"`
}

// Embedding is one paper's vector, encoded by the embedding package.
type Embedding struct {
	PaperID string
	Vector  []byte
}
