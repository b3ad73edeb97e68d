package quire

import (
	"context"
	"regexp"
	"slices"
	"time"
)

// SignalKind says what a member did with a paper, as the personal feed
// ("For you") reads it.
type SignalKind string

// Kinds of signals. Upvotes are the votes of VoteStore and saves the papers
// of the member's reading lists; opened and not-interested marks are kept by
// SignalStore itself.
const (
	SignalUpvote        SignalKind = "upvote"
	SignalSaved         SignalKind = "saved"
	SignalOpened        SignalKind = "opened"
	SignalNotInterested SignalKind = "not_interested"
)

// Positive reports whether the signal says the member likes the paper.
func (k SignalKind) Positive() bool { return k != SignalNotInterested }

// Signal is one thing a member did with a paper, at At.
type Signal struct {
	PaperID string
	Kind    SignalKind
	At      time.Time
}

// Interests are a member's cold-start choices: arXiv categories, author
// names and seed papers that start the personal feed before there are
// signals to learn from.
type Interests struct {
	Categories []string
	Authors    []string
	Papers     []string
	// UpdatedAt is when the choices were last saved; zero when none were.
	UpdatedAt time.Time
}

// Empty reports whether no choice is made.
func (in *Interests) Empty() bool {
	return len(in.Categories) == 0 && len(in.Authors) == 0 && len(in.Papers) == 0
}

// Limits on signals and interests.
const (
	// MaxInterests bounds each list of cold-start choices.
	MaxInterests = 50
	// MaxAuthorLen bounds an author name.
	MaxAuthorLen = 200
	// MaxSignals is the most signals FindSignals returns: a model learns
	// a member's taste from their recent history, and a bounded read keeps
	// a request fast however long the member has been around.
	MaxSignals = 2000
)

// SignalStore keeps what the personal feed learns from. Writes name the
// acting account: an unknown account or paper is an error of kind
// ErrNotFound, a disabled account one of kind ErrUnauthorized.
type SignalStore interface {
	// RecordOpened records that the account viewed the paper's page at at
	// (zero: now). One mark is kept per account and paper, with the time
	// of the latest view.
	RecordOpened(ctx context.Context, accountID int64, paperID string, at time.Time) error
	// SetNotInterested marks (on) or unmarks the paper as one the account
	// does not want recommended, at at (zero: now). Marking twice keeps
	// the first time.
	SetNotInterested(ctx context.Context, accountID int64, paperID string, on bool, at time.Time) error
	// FindSignals returns the account's signals, newest first (then by
	// kind and paper id), at most limit of them (0 or more than
	// MaxSignals: MaxSignals): its upvotes, its saved papers (a paper on
	// several of its lists once, with its first save), the pages it
	// opened and the papers it marked not interested. Hidden and withdrawn
	// papers are left out.
	FindSignals(ctx context.Context, accountID int64, limit int) ([]Signal, error)
	// SetInterests replaces the account's cold-start choices with in,
	// normalised by PrepareInterests, at in.UpdatedAt (zero: now). A seed
	// paper the catalogue lacks is an error of kind ErrNotFound.
	SetInterests(ctx context.Context, accountID int64, in *Interests) error
	// FindInterests returns the account's choices (empty, with a zero
	// UpdatedAt, when it made none), each list in the order given.
	FindInterests(ctx context.Context, accountID int64) (*Interests, error)
	// FindEmbeddingsByPapers returns the vectors of model stored for the
	// papers among paperIDs, in the order of paperIDs; papers without one
	// are left out.
	FindEmbeddingsByPapers(ctx context.Context, model string, paperIDs []string) ([]Embedding, error)
}

// categoryRE matches arXiv category names: "cs.CL", "hep-th", "q-bio.NC",
// "math.AG".
var categoryRE = regexp.MustCompile(`^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$`)

// PrepareInterests returns the interests a store writes for in: each list
// on one line per item, without blanks or repeats (the first kept), at most
// MaxInterests long. A malformed category or paper id, or an overlong author
// name, is an error of kind ErrInvalid.
func PrepareInterests(in *Interests) (*Interests, error) {
	out := &Interests{UpdatedAt: in.UpdatedAt}
	var err error
	if out.Categories, err = prepareChoices("categories", in.Categories, func(s string) error {
		if !categoryRE.MatchString(s) || len(s) > 40 {
			return Invalidf("%q is not an arXiv category (such as cs.CL or hep-th).", s)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if out.Authors, err = prepareChoices("authors", in.Authors, func(s string) error {
		if len(s) > MaxAuthorLen {
			return Invalidf("An author's name can be at most %d bytes long.", MaxAuthorLen)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if out.Papers, err = prepareChoices("papers", in.Papers, func(s string) error {
		if len(s) > 64 || !isText(s) {
			return Invalidf("%q is not a paper id.", s)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

func prepareChoices(what string, in []string, check func(string) error) ([]string, error) {
	out := []string{}
	for _, s := range in {
		if !isText(s) {
			return nil, Invalidf("Interests must be UTF-8 text without NUL characters.")
		}
		s = OneLine(s)
		if s == "" || slices.Contains(out, s) {
			continue
		}
		if err := check(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) > MaxInterests {
		return nil, Invalidf("You can choose at most %d %s; this has %d.", MaxInterests, what, len(out))
	}
	return out, nil
}
