package quire

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Comment is one comment on a paper, in Markdown.
type Comment struct {
	ID      int64
	PaperID string
	// ParentID is the comment this one replies to; 0 for a top-level one.
	ParentID  int64
	AccountID int64
	// Author is the account's username, filled when read.
	Author string
	// Body is the Markdown source; empty once the comment is deleted.
	Body      string
	CreatedAt time.Time
	// EditedAt is the last edit by the author; DeletedAt when the author
	// deleted it; HiddenAt when a moderator hid it. Zero when not.
	EditedAt  time.Time
	DeletedAt time.Time
	HiddenAt  time.Time
}

// Visible reports whether c counts and shows to everyone: neither deleted
// nor hidden.
func (c *Comment) Visible() bool { return c.DeletedAt.IsZero() && c.HiddenAt.IsZero() }

// MaxCommentBytes is the longest comment body, in bytes of UTF-8.
const MaxCommentBytes = 20000

// NormalizeCommentBody returns body in the form stores keep: line breaks as
// "\n", control characters other than tab and newline as spaces, leading
// blank lines and trailing white space removed. Text that no browser sends
// (invalid UTF-8, NUL), an empty body, or one longer than MaxCommentBytes is
// an error of kind ErrInvalid.
func NormalizeCommentBody(body string) (string, error) {
	if !utf8.ValidString(body) {
		return "", Invalidf("A comment must be UTF-8 text.")
	}
	if strings.Contains(body, "\x00") {
		return "", Invalidf("A comment cannot contain NUL characters.")
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = Clean(body)
	body = strings.TrimRight(body, " \t\n")
	// Leading spaces on the first text line are Markdown (an indented code
	// block), so only whole blank lines go.
	for {
		line, rest, ok := strings.Cut(body, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			break
		}
		body = rest
	}
	if body == "" {
		return "", Invalidf("A comment cannot be empty.")
	}
	if len(body) > MaxCommentBytes {
		return "", Invalidf("A comment can be at most %d bytes long; this one has %d.", MaxCommentBytes, len(body))
	}
	return body, nil
}

// Validate reports whether c can be stored as a new comment; its body must
// be normalised (see NormalizeCommentBody).
func (c *Comment) Validate() error {
	switch {
	case c.PaperID == "" || OneLine(c.PaperID) != c.PaperID:
		return Invalidf("comment has no paper id")
	case c.AccountID <= 0:
		return Invalidf("comment has no author")
	case c.ParentID < 0:
		return Invalidf("comment replies to comment %d, which cannot exist", c.ParentID)
	case !storable(c.CreatedAt):
		return Invalidf("comment has a date outside the years 1-9999")
	}
	if b, err := NormalizeCommentBody(c.Body); err != nil {
		return err
	} else if b != c.Body {
		return Invalidf("comment body is not normalised")
	}
	return nil
}

// Submission asks for a paper to be put on a day's list by an account. The
// entry's submitter name is the account's username.
type Submission struct {
	PaperID   string
	Day       time.Time
	AccountID int64
	// At is when it was submitted; zero means now.
	At time.Time
}

// Defaults of the community rules, the same for the pages, the API and the
// configuration: a paper may be submitted up to 14 days after its arXiv
// date (as on the reference hub), five papers per member per day, and a
// new account votes and submits after five minutes.
const (
	DefaultSubmitMaxAge    = 14 * 24 * time.Hour
	DefaultSubmitPerDay    = 5
	DefaultNewAccountDelay = 5 * time.Minute
)

// SubmissionRules are the limits SubmitPaper enforces in the same
// transaction as the write. Rules about the paper itself (its age) are the
// caller's, which has the paper.
type SubmissionRules struct {
	// MaxPerDay is how many papers one account may put on one day's list,
	// hidden ones included; at least 1.
	MaxPerDay int
}

// PrepareComment returns the comment a store adds for in: a copy with its
// body normalised and its creation time filled (now when zero, in UTC, to
// the second, as stores keep times), validated.
func PrepareComment(in *Comment) (*Comment, error) {
	body, err := NormalizeCommentBody(in.Body)
	if err != nil {
		return nil, err
	}
	at := in.CreatedAt
	if at.IsZero() {
		at = time.Now()
	}
	c := &Comment{PaperID: in.PaperID, ParentID: in.ParentID, AccountID: in.AccountID,
		Body: body, CreatedAt: at.UTC().Truncate(time.Second)}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// PrepareSubmission checks s and r and returns the entry s would add,
// without its submitter's name, which stores take from the account. A paper
// id no stored paper can have is an error of kind ErrNotFound.
func PrepareSubmission(s Submission, r SubmissionRules) (*DailyEntry, error) {
	if r.MaxPerDay < 1 {
		return nil, Invalidf("the submission rules allow %d papers a day; at least 1 is needed", r.MaxPerDay)
	}
	if s.PaperID == "" || OneLine(s.PaperID) != s.PaperID {
		return nil, NotFoundf("This paper is not in the catalogue.")
	}
	at := s.At
	if at.IsZero() {
		at = time.Now()
	}
	e := &DailyEntry{Day: s.Day, PaperID: s.PaperID, SubmittedAt: at}
	e.Normalize()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// CheckSubmission applies r to a submission that would add e, where listed
// says whether e's paper is on that day's list already (hidden or not) and
// mine how many papers the account has submitted for that day. Stores call
// it in the transaction that adds e, so every backend words refusals alike.
func CheckSubmission(e *DailyEntry, listed bool, mine int, r SubmissionRules) error {
	day := e.Day.Format(DayLayout)
	if listed {
		return Conflictf("Paper %s is already on the list of %s.", e.PaperID, day)
	}
	if mine >= r.MaxPerDay {
		papers := "papers"
		if mine == 1 {
			papers = "paper"
		}
		return RateLimitedf("You have already submitted %d %s for %s, the daily limit.", mine, papers, day)
	}
	return nil
}

// Moderation says who did a moderation action and why; each one is kept in
// the audit log.
type Moderation struct {
	// ActorID is the moderator's account, or 0 for an operator on the
	// command line.
	ActorID int64
	Reason  string
	// At is when; zero means now.
	At time.Time
}

// MaxReasonLen bounds a moderation reason, in bytes.
const MaxReasonLen = 1000

// Normalize puts m in the form stores keep.
func (m *Moderation) Normalize() {
	m.Reason = OneLine(m.Reason)
	m.At = normTime(m.At)
}

// Validate reports whether m, normalised, can be stored.
func (m *Moderation) Validate() error {
	switch {
	case m.ActorID < 0:
		return Invalidf("moderation by account %d, which cannot exist", m.ActorID)
	case len(m.Reason) > MaxReasonLen:
		return Invalidf("A reason can be at most %d bytes long; this one has %d.", MaxReasonLen, len(m.Reason))
	case !storable(m.At):
		return Invalidf("moderation has a date outside the years 1-9999")
	}
	return nil
}

// AuditEntry is one moderation action, as the audit log keeps it.
type AuditEntry struct {
	ID int64
	// ActorID is who did it (0: an operator on the command line); Actor is
	// their username, filled when read.
	ActorID int64
	Actor   string
	// Action is one of the Action constants or RoleAction(role).
	Action string
	// TargetKind is one of the Target constants; TargetID names the object
	// within its kind (see EntryTargetID for entries).
	TargetKind string
	TargetID   string
	Reason     string
	At         time.Time
}

// Audit actions and target kinds.
const (
	ActionHide    = "hide"
	ActionUnhide  = "unhide"
	ActionDisable = "disable"
	ActionEnable  = "enable"

	TargetPaper   = "paper"
	TargetEntry   = "entry"
	TargetComment = "comment"
	TargetAccount = "account"
)

// RoleAction is the audit action of giving an account role r.
func RoleAction(r Role) string { return "set-role:" + string(r) }

// EntryTargetID names a daily entry in the audit log: "2025-06-16/2501.00001".
func EntryTargetID(day time.Time, paperID string) string {
	return day.UTC().Format(DayLayout) + "/" + paperID
}

// IDTargetID names an account or a comment in the audit log.
func IDTargetID(id int64) string { return strconv.FormatInt(id, 10) }

// VoteStore keeps upvotes: one per account and paper.
//
// Displayed counts: a paper's upvotes are the upvotes imported with its daily
// entry (DailyEntry.Upvotes as the archive had them; 0 when it was never
// listed) plus the votes of Quire's accounts, and its comment count is
// likewise the imported count plus the visible comments (neither deleted nor
// hidden) written here. Where a paper has several entries, each list row adds
// the community counts to that entry's imported ones; a paper on its own
// (VoteCounts, CommentCounts, the change feed) uses its best-voted visible
// entry, as lists choose it. Imported counts are snapshots of another site
// and community counts are Quire's own, so neither can stand for the other;
// adding them loses no vote. Store reads of daily entries report these sums,
// so writers of imports must pass the archive's counts, never ones read back.
type VoteStore interface {
	// SetVote records (on) or withdraws the account's vote for the paper
	// and returns the paper's displayed upvotes afterwards and whether
	// anything changed: voting twice, or withdrawing a vote never given,
	// changes nothing. Counts stay exact however many votes arrive at once,
	// and a change moves the paper up the change feed. An unknown paper or
	// account is an error of kind ErrNotFound, a disabled account one of
	// kind ErrUnauthorized.
	SetVote(ctx context.Context, accountID int64, paperID string, on bool) (count int, changed bool, err error)
	// VoteCounts returns the displayed upvotes of the known papers among
	// paperIDs.
	VoteCounts(ctx context.Context, paperIDs []string) (map[string]int, error)
	// HasVoted returns which of paperIDs the account voted for (only those
	// are in the map).
	HasVoted(ctx context.Context, accountID int64, paperIDs []string) (map[string]bool, error)
}

// CommentStore keeps comments. Authors edit and delete their own comments;
// moderators hide them through ModerationStore.
type CommentStore interface {
	// AddComment stores c, its body normalised (NormalizeCommentBody), and
	// returns it as stored, with ID, Author and, when c's is zero,
	// CreatedAt set. The paper and the account must exist (ErrNotFound);
	// a disabled account is refused (ErrUnauthorized); a reply's parent
	// must be a visible comment on the same paper (ErrInvalid).
	AddComment(ctx context.Context, c *Comment) (*Comment, error)
	// FindComment returns one comment, or an error of kind ErrNotFound.
	FindComment(ctx context.Context, id int64) (*Comment, error)
	// FindComments returns every comment on a paper, deleted and hidden
	// ones included (the renderer decides what each reader sees), in order
	// of creation, so that a reply always follows its parent.
	FindComments(ctx context.Context, paperID string) ([]*Comment, error)
	// EditComment replaces the body of comment id, as its author accountID,
	// at at (zero: now), and returns it. Another account's comment is an
	// error of kind ErrUnauthorized; a deleted one of kind ErrNotFound; a
	// hidden one of kind ErrConflict.
	EditComment(ctx context.Context, id, accountID int64, body string, at time.Time) (*Comment, error)
	// DeleteComment deletes comment id as its author accountID: its body is
	// erased and DeletedAt set, and it stays in the thread so that replies
	// keep their place. Another account's comment is an error of kind
	// ErrUnauthorized; deleting a deleted comment changes nothing.
	DeleteComment(ctx context.Context, id, accountID int64, at time.Time) error
	// CommentCounts returns the displayed comment counts of the known
	// papers among paperIDs (see VoteStore).
	CommentCounts(ctx context.Context, paperIDs []string) (map[string]int, error)
}

// SubmissionStore puts papers on daily lists for accounts.
type SubmissionStore interface {
	// SubmitPaper adds the paper to the day's list as submitted by the
	// account, and returns the new entry. In one transaction, it refuses a
	// paper already on that day's list, hidden or not (ErrConflict), and an
	// account that has already submitted r.MaxPerDay papers that day
	// (ErrRateLimited), each with a message for users. The paper must be in
	// the catalogue and the account must exist (ErrNotFound); a disabled
	// account is refused (ErrUnauthorized).
	SubmitPaper(ctx context.Context, s Submission, r SubmissionRules) (*DailyEntry, error)
}

// ModerationStore records moderators' decisions, each with an AuditEntry in
// the same transaction. Whether the actor may do it is the caller's to
// check. Setting a state an object already has changes nothing and is not
// logged. Unknown targets are errors of kind ErrNotFound.
type ModerationStore interface {
	// SetPaperHidden hides a paper from every list (its page stays
	// reachable) or shows it again.
	SetPaperHidden(ctx context.Context, paperID string, hidden bool, m Moderation) error
	// SetEntryHidden hides one daily entry (a submission) from lists and
	// from FindDailyEntriesByPaper, or shows it again.
	SetEntryHidden(ctx context.Context, day time.Time, paperID string, hidden bool, m Moderation) error
	// SetCommentHidden hides a comment (it no longer counts) or shows it
	// again.
	SetCommentHidden(ctx context.Context, commentID int64, hidden bool, m Moderation) error
	// SetAccountDisabled disables an account, ending its sessions, or
	// enables it again.
	SetAccountDisabled(ctx context.Context, accountID int64, disabled bool, m Moderation) error
	// SetAccountRole gives an account a role.
	SetAccountRole(ctx context.Context, accountID int64, role Role, m Moderation) error
	// FindHiddenPapers returns when each hidden paper among paperIDs was
	// hidden (visible papers are not in the map).
	FindHiddenPapers(ctx context.Context, paperIDs []string) (map[string]time.Time, error)
	// ListAudit returns at most limit entries of the audit log (limit ≥ 1)
	// after the first offset, newest first.
	ListAudit(ctx context.Context, limit, offset int) ([]*AuditEntry, error)
}

// RateLimitStore keeps rate-limit counters that every node shares.
type RateLimitStore interface {
	// HitRateLimit counts one hit on key in the fixed window of length
	// window (whole seconds, at least one, aligned on the Unix epoch) that
	// holds now, and reports whether the hits so far in that window are
	// within limit; when not, retryAfter is the time left until the window
	// ends. Counters of ended windows are removed as new windows start.
	HitRateLimit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (allowed bool, retryAfter time.Duration, err error)
}

// MaxRateLimitKeyLen bounds a rate-limit key, in bytes.
const MaxRateLimitKeyLen = 256

// CheckRateLimit checks HitRateLimit's arguments and returns the window's
// start and end, so that every backend counts the same windows.
func CheckRateLimit(key string, window time.Duration, limit int, now time.Time) (start, end time.Time, err error) {
	switch {
	case key == "" || len(key) > MaxRateLimitKeyLen || !isText(key):
		return start, end, Invalidf("rate-limit key %q is empty, longer than %d bytes or not text", clip(key), MaxRateLimitKeyLen)
	case window < time.Second || window%time.Second != 0:
		return start, end, Invalidf("rate-limit window %v is not a whole number of seconds", window)
	case limit < 1:
		return start, end, Invalidf("rate limit %d is below 1", limit)
	case now.IsZero() || !storable(now):
		return start, end, Invalidf("rate-limit time %v is outside the years 1-9999", now)
	}
	w := int64(window / time.Second)
	s := now.Unix()
	s -= ((s % w) + w) % w // floor, also before 1970
	start = time.Unix(s, 0).UTC()
	return start, start.Add(window), nil
}
