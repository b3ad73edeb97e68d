package quire

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// FollowKind says what a follow follows.
type FollowKind string

// Kinds of follows.
const (
	// FollowAuthor follows an author by name.
	FollowAuthor FollowKind = "author"
	// FollowCategory follows an arXiv category ("cs.CL") or a whole
	// archive ("cs", "hep-th").
	FollowCategory FollowKind = "category"
	// FollowOrganization follows a Hugging Face organization by its handle
	// ("google"): the papers daily lists show under it.
	FollowOrganization FollowKind = "organization"
)

// Follow is a member following an author or a category: the papers it
// matches (see Matches) appear in the member's feed and, with Digest, in
// their e-mail digest.
//
// arXiv knows authors by name only, and one name may be several people.
// An author follow may therefore carry qualifiers that narrow which
// papers count: CoAuthor keeps the papers that also list that co-author,
// Category those in that category (or archive). Both may be set; a
// category follow takes none.
type Follow struct {
	ID        int64
	AccountID int64
	Kind      FollowKind
	// Name is the author's name as the member gave it (on one line,
	// spaces collapsed), the category in arXiv's casing, or the
	// organization's handle.
	Name     string
	CoAuthor string
	Category string
	// Digest adds the follow's new papers to the member's e-mail digest.
	Digest    bool
	CreatedAt time.Time
}

// FollowedPaper is a paper that one or more of a member's follows match.
type FollowedPaper struct {
	Paper *Paper
	// Because are the follows that match it, in the order FindFollows
	// lists them.
	Because []*Follow
}

// Limits on follows.
const (
	// MaxFollows keeps one member from filling the database; it is far
	// above what a reader follows.
	MaxFollows = 500
	// MaxFollowNameLen bounds an author's name or a qualifier.
	MaxFollowNameLen = 200
	// MaxFollowedPapers is the largest page FollowedPapers returns.
	MaxFollowedPapers = 200
)

// FollowStore keeps follows. Every write names the acting account: a
// follow that does not exist, or that belongs to another account, is an
// error of kind ErrNotFound, and a disabled account is refused
// (ErrUnauthorized).
type FollowStore interface {
	// CreateFollow stores f (normalised, see PrepareFollow) for
	// f.AccountID and returns it as stored. Following what the account
	// already follows (same kind, name and qualifiers, see Follow.Key)
	// stores nothing new: it sets the stored follow's Digest to f.Digest
	// and returns it. More than MaxFollows follows is an error of kind
	// ErrRateLimited.
	CreateFollow(ctx context.Context, f *Follow) (*Follow, error)
	// FindFollows returns an account's follows: authors, then categories,
	// then organizations, each by name (then qualifiers).
	FindFollows(ctx context.Context, accountID int64) ([]*Follow, error)
	// DeleteFollow removes one of the account's follows.
	DeleteFollow(ctx context.Context, followID, accountID int64) error
	// FollowedPapers returns the newest papers that the account's follows
	// match (see Follow.Matches), newest first by arXiv publication time
	// (then by id, descending): at most limit of them (1 to
	// MaxFollowedPapers), published at or after since, which must be set.
	// Papers without a publication time, withdrawn ones and those
	// moderators hid are left out. An account without follows gets an
	// empty slice.
	FollowedPapers(ctx context.Context, accountID int64, since time.Time, limit int) ([]*FollowedPaper, error)
}

// PrepareFollow returns the follow a store writes for in: a copy with its
// name and qualifiers normalised (author names on one line with spaces
// collapsed, categories in arXiv's casing), validated. Stores set the ID
// and CreatedAt themselves.
func PrepareFollow(in *Follow) (*Follow, error) {
	if in.AccountID <= 0 {
		return nil, Invalidf("a follow needs an account")
	}
	f := &Follow{AccountID: in.AccountID, Kind: in.Kind, Digest: in.Digest}
	var err error
	switch in.Kind {
	case FollowAuthor:
		if f.Name, err = normalizeFollowName(in.Name, "An author's name"); err != nil {
			return nil, err
		}
		if f.Name == "" {
			return nil, Invalidf("Name the author to follow.")
		}
		if f.CoAuthor, err = normalizeFollowName(in.CoAuthor, "A co-author's name"); err != nil {
			return nil, err
		}
		if f.CoAuthor != "" && AuthorKey(f.CoAuthor) == AuthorKey(f.Name) {
			return nil, Invalidf("An author cannot be their own co-author.")
		}
		if in.Category != "" {
			if f.Category, err = CanonicalCategory(in.Category); err != nil {
				return nil, err
			}
		}
	case FollowCategory:
		if in.CoAuthor != "" || in.Category != "" {
			return nil, Invalidf("A category follow takes no co-author or category.")
		}
		if f.Name, err = CanonicalCategory(in.Name); err != nil {
			return nil, err
		}
	case FollowOrganization:
		if in.CoAuthor != "" || in.Category != "" {
			return nil, Invalidf("An organization follow takes no co-author or category.")
		}
		if f.Name, err = CanonicalOrganization(in.Name); err != nil {
			return nil, err
		}
	default:
		return nil, Invalidf("One follows an author, a category or an organization, not %q.", clip(string(in.Kind)))
	}
	return f, nil
}

func normalizeFollowName(s, what string) (string, error) {
	if !utf8.ValidString(s) || strings.Contains(s, "\x00") {
		return "", Invalidf("%s must be UTF-8 text without NUL characters.", what)
	}
	s = strings.Join(strings.Fields(OneLine(s)), " ")
	if len(s) > MaxFollowNameLen {
		return "", Invalidf("%s can be at most %d bytes long.", what, MaxFollowNameLen)
	}
	return s, nil
}

// CanonicalCategory returns c in arXiv's casing: archives in lower case
// ("cs", "hep-th"), two-letter subject classes in upper case ("cs.CL")
// and longer ones in lower case ("physics.optics"). Anything that does not
// look like a category is an error of kind ErrInvalid.
func CanonicalCategory(c string) (string, error) {
	c = strings.TrimSpace(c)
	if !isCategory(c) || strings.HasPrefix(c, "-") || strings.HasSuffix(c, "-") {
		return "", Invalidf("%q is not an arXiv category such as cs.CL or hep-th.", clip(c))
	}
	archive, class, dotted := strings.Cut(c, ".")
	archive = strings.ToLower(archive)
	if !dotted {
		return archive, nil
	}
	if len(class) == 2 {
		return archive + "." + strings.ToUpper(class), nil
	}
	return archive + "." + strings.ToLower(class), nil
}

// MaxOrganizationNameLen bounds an organization's handle.
const MaxOrganizationNameLen = 96

// CanonicalOrganization returns the organization handle name without
// surrounding spaces. Handles are letters, digits, '-', '_' and '.', as
// Hugging Face allows; anything else is an error of kind ErrInvalid.
func CanonicalOrganization(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Invalidf("Name the organization to follow.")
	}
	if len(name) > MaxOrganizationNameLen {
		return "", Invalidf("An organization's name can be at most %d bytes long.", MaxOrganizationNameLen)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", Invalidf("%q is not an organization name such as google or Qwen.", clip(name))
		}
	}
	return name, nil
}

// AuthorKey is the form in which author names compare: lower case, with
// white space collapsed, so that "Ada  LOVELACE" is "Ada Lovelace".
// Initials and accents are kept: "A. Lovelace" is another name.
func AuthorKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// Key identifies what f follows, for uniqueness per account: two follows
// with one Key match the same papers. Its parts are joined by line breaks,
// which names (kept on one line) never hold.
func (f *Follow) Key() string {
	switch f.Kind {
	case FollowCategory:
		return "category\n" + f.Name
	case FollowOrganization:
		return "organization\n" + strings.ToLower(f.Name)
	}
	return "author\n" + AuthorKey(f.Name) + "\n" + AuthorKey(f.CoAuthor) + "\n" + f.Category
}

// Matches reports whether p counts for f. An author follow matches a
// paper that lists an author of the same AuthorKey and, when set, the
// co-author as well and a category in the qualifier's category or archive.
// A category follow matches a paper with a category in it: "cs" matches
// "cs.CL", "cs.CL" only "cs.CL". An organization follow matches a paper
// that daily lists show under that organization: orgs are the handles of
// the organizations of p's daily entries, compared without regard to case.
func (f *Follow) Matches(p *Paper, orgs []string) bool {
	switch f.Kind {
	case FollowCategory:
		return inCategory(p, f.Name)
	case FollowOrganization:
		return slices.ContainsFunc(orgs, func(o string) bool { return strings.EqualFold(o, f.Name) })
	}
	if !hasAuthor(p, AuthorKey(f.Name)) {
		return false
	}
	if f.CoAuthor != "" && !hasAuthor(p, AuthorKey(f.CoAuthor)) {
		return false
	}
	return f.Category == "" || inCategory(p, f.Category)
}

// Title describes f for pages and digests: "Ada Lovelace (with Charles
// Babbage, in math.HO)", "cs.CL".
func (f *Follow) Title() string {
	if f.Kind == FollowCategory || f.Kind == FollowOrganization {
		return f.Name
	}
	var q []string
	if f.CoAuthor != "" {
		q = append(q, "with "+f.CoAuthor)
	}
	if f.Category != "" {
		q = append(q, "in "+f.Category)
	}
	if len(q) == 0 {
		return f.Name
	}
	return f.Name + " (" + strings.Join(q, ", ") + ")"
}

func hasAuthor(p *Paper, key string) bool {
	return slices.ContainsFunc(p.Authors, func(a string) bool { return AuthorKey(a) == key })
}

func inCategory(p *Paper, c string) bool {
	return slices.ContainsFunc(p.Categories, func(pc string) bool {
		return pc == c || strings.HasPrefix(pc, c+".")
	})
}

// ErrNoFollow is the error for a follow that does not exist or that the
// acting account does not own.
var ErrNoFollow = NotFoundf("There is no such follow.")
