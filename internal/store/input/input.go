// Package input checks and prepares the arguments of store methods,
// the same for every backend, before any SQL runs: both backends refuse
// and accept exactly the same values.
package input

import (
	"strings"
	"time"
	"unicode/utf8"

	"quire"
)

// Limits on what a digest row keeps.
const (
	MaxPeriodKeyLen = 64
	// MaxMessageIDLen is the longest line RFC 5322 allows.
	MaxMessageIDLen = 998
	// MaxDigestErrorLen bounds a kept error; SMTP replies can be long.
	MaxDigestErrorLen = 1000
	MaxSectionTitle   = 200
)

// IsText reports whether every backend keeps s as it is: PostgreSQL refuses
// NUL and invalid UTF-8 in text, and the backends must agree.
func IsText(s string) bool { return utf8.ValidString(s) && !strings.Contains(s, "\x00") }

// Storable reports whether s can be a stored name or key: non-empty text.
func Storable(s string) bool { return s != "" && IsText(s) }

// PaperIDOK reports whether id can be a stored paper's id: stores keep ids
// normalised (quire.Paper.Normalize), so an id that normalisation would
// change (one holding a NUL, say) is unknown.
func PaperIDOK(id string) bool { return id != "" && quire.OneLine(id) == id }

// CheckLimit refuses a page size below one: a feed or a vector scan without
// a bound would read the whole catalogue at once.
func CheckLimit(limit int) error {
	if limit < 1 {
		return quire.Invalidf("limit must be at least 1, not %d", limit)
	}
	return nil
}

// CheckPage checks a page size and a paging position; a position that is
// not text cannot come from an earlier page.
func CheckPage(afterPaperID string, limit int) error {
	if err := CheckLimit(limit); err != nil {
		return err
	}
	if !IsText(afterPaperID) {
		return quire.Invalidf("paging position %q is not a paper id", afterPaperID)
	}
	return nil
}

// CheckTime refuses a time no backend can keep.
func CheckTime(t time.Time) error {
	if !t.IsZero() && (t.Year() < 1 || t.Year() > 9999) {
		return quire.Invalidf("the time %v is outside the years 1-9999", t)
	}
	return nil
}

// CheckClaim checks ClaimDigests' arguments: a lease under a second would
// not outlast the second-precision times the store keeps.
func CheckClaim(now time.Time, lease time.Duration, limit int) error {
	if err := CheckLimit(limit); err != nil {
		return err
	}
	if lease < time.Second {
		return quire.Invalidf("a digest lease lasts at least a second, not %v", lease)
	}
	return CheckTime(now)
}

// CheckDigest refuses a digest that cannot be queued as it is.
func CheckDigest(d *quire.Digest) error {
	if d.SubscriptionID <= 0 {
		return quire.Invalidf("a digest needs a subscription, not %d", d.SubscriptionID)
	}
	if d.PeriodKey == "" || len(d.PeriodKey) > MaxPeriodKeyLen || quire.OneLine(d.PeriodKey) != d.PeriodKey {
		return quire.Invalidf("digest period key %q is empty, longer than %d bytes or not one line", d.PeriodKey, MaxPeriodKeyLen)
	}
	if len(d.PaperIDs) > quire.MaxDigestPapers {
		return quire.Invalidf("a digest has at most %d papers, not %d", quire.MaxDigestPapers, len(d.PaperIDs))
	}
	for _, id := range d.PaperIDs {
		if !PaperIDOK(id) {
			return quire.Invalidf("digest paper id %q is not a paper id", id)
		}
	}
	n := 0
	for _, s := range d.Sections {
		if s.Count < 0 || len(s.Title) > MaxSectionTitle || !IsText(s.Title) {
			return quire.Invalidf("digest section %q has a negative count or a title that is not text of at most %d bytes",
				s.Title, MaxSectionTitle)
		}
		n += s.Count
	}
	if len(d.Sections) > 0 && n != len(d.PaperIDs) {
		return quire.Invalidf("the digest's sections count %d papers, but it has %d", n, len(d.PaperIDs))
	}
	if err := CheckTime(d.CreatedAt); err != nil {
		return err
	}
	return nil
}

// CheckLease checks AcquireLease's arguments: a lease under a second would
// not outlast the second-precision times the store keeps.
func CheckLease(name, holder string, ttl time.Duration, now time.Time) error {
	if !Storable(name) || !Storable(holder) {
		return quire.Invalidf("a lease needs a name and a holder of valid text")
	}
	if ttl < time.Second {
		return quire.Invalidf("a lease lasts at least a second, not %v", ttl)
	}
	if now.IsZero() {
		return quire.Invalidf("a lease needs the time it is taken at")
	}
	return CheckTime(now.Add(ttl))
}

// CheckModel refuses a model that a store cannot keep as it is.
func CheckModel(m *quire.Model) error {
	if !Storable(m.Name) {
		return quire.Invalidf("model name %q is empty or not valid text", m.Name)
	}
	if !Storable(m.Kind) {
		return quire.Invalidf("model %q has a kind %q that is empty or not valid text", m.Name, m.Kind)
	}
	if !m.CreatedAt.IsZero() && (m.CreatedAt.Year() < 1 || m.CreatedAt.Year() > 9999) {
		return quire.Invalidf("model %q has a creation time outside the years 1-9999", m.Name)
	}
	return nil
}

// ErrorText makes an error message Storable: valid text, at most
// MaxDigestErrorLen bytes. It comes from outside (an SMTP server's reply),
// so it is cut rather than refused.
func ErrorText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= MaxDigestErrorLen {
		return s
	}
	s = s[:MaxDigestErrorLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// LookupIDs returns ids without repeats and without those no paper can have:
// stores keep ids normalised (quire.Paper.Normalize), so an id that
// normalisation would change is unknown.
func LookupIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" || seen[id] || quire.OneLine(id) != id {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// OrNow is t, or the current time when t is zero, in UTC at second
// precision as stores keep times.
func OrNow(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second)
}

// PrepareEmbeddings checks a batch and keeps, for a paper given several
// times, its last vector, in the order of first appearance. Vectors of ids no
// paper can have are dropped here, as unknown.
func PrepareEmbeddings(model string, vectors []quire.Embedding) ([]quire.Embedding, error) {
	if !Storable(model) {
		return nil, quire.Invalidf("model name %q is empty or not valid text", model)
	}
	at := make(map[string]int, len(vectors))
	out := make([]quire.Embedding, 0, len(vectors))
	for _, e := range vectors {
		if len(e.Vector) == 0 {
			return nil, quire.Invalidf("empty vector for paper %q", e.PaperID)
		}
		if e.PaperID == "" || quire.OneLine(e.PaperID) != e.PaperID {
			continue
		}
		if i, ok := at[e.PaperID]; ok {
			out[i].Vector = e.Vector
			continue
		}
		at[e.PaperID] = len(out)
		out = append(out, e)
	}
	return out, nil
}
