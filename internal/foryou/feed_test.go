package foryou_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/foryou"
	"quire/internal/hfdaily"
	"quire/internal/store/sqlite"
)

// now is the day after the fixture list of 2026-08-21.
var now = time.Date(2026, 8, 22, 9, 0, 0, 0, time.UTC)

// MustOpenStore opens a migrated SQLite store holding the real daily list of
// 2026-08-21, with a vector per paper under the model "bow".
func MustOpenStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/hf/daily_papers_2026-08-21.json")
	if err != nil {
		tb.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		tb.Fatal(err)
	}
	day := time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)
	var papers []*quire.Paper
	var entries []*quire.DailyEntry
	var vecs []quire.Embedding
	for _, raw := range raws {
		p, e, err := hfdaily.ParseItem(raw, day)
		if err != nil {
			tb.Fatal(err)
		}
		papers, entries = append(papers, p), append(entries, e)
		vecs = append(vecs, quire.Embedding{PaperID: p.ID, Vector: encode(bagOfWords(p.Title + " " + p.Abstract))})
	}
	ctx := tb.Context()
	if _, err := db.UpsertPapers(ctx, papers); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.UpsertDailyEntries(ctx, entries); err != nil {
		tb.Fatal(err)
	}
	if err := db.UpsertEmbeddings(ctx, "bow", vecs); err != nil {
		tb.Fatal(err)
	}
	if err := db.SetSetting(ctx, foryou.SettingModel, "bow"); err != nil {
		tb.Fatal(err)
	}
	return db
}

// bagOfWords is a hashed bag of the text's words: a small real embedding
// in which papers sharing words are near.
func bagOfWords(text string) []float32 {
	v := make([]float32, 64)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		if len(w) < 4 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		x := h.Sum32()
		if x&1 == 0 {
			v[(x>>1)%64]++
		} else {
			v[(x>>1)%64]--
		}
	}
	return v
}

// encode stores v as internal/search does: a float32 scale and int8 codes.
func encode(v []float32) []byte {
	var m float32
	for _, x := range v {
		m = max(m, float32(math.Abs(float64(x))))
	}
	b := make([]byte, 4+len(v))
	scale := m / 127
	binary.LittleEndian.PutUint32(b, math.Float32bits(scale))
	for i, x := range v {
		b[4+i] = byte(int8(math.Round(float64(x / scale))))
	}
	return b
}

func MustCreateAccount(tb testing.TB, db *sqlite.DB, name string) *quire.Account {
	tb.Helper()
	a, err := db.CreateAccount(tb.Context(), &quire.Account{Username: name, Email: name + "@example.org", PasswordHash: "x"})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func ids(f *foryou.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Paper.ID)
	}
	return out
}

func TestFeed(t *testing.T) {
	db := MustOpenStore(t)
	ctx := t.Context()
	r := &foryou.Recommender{Store: db, Now: func() time.Time { return now }}
	alice := MustCreateAccount(t, db, "alice")

	// No signals: the day's papers by votes, not personal.
	f, err := r.Feed(ctx, alice.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	if f.Personal || len(f.Items) != 5 || f.Items[0].Paper.ID != "2608.19880" || f.Items[0].Because != "popular" {
		t.Fatalf("Feed(new member) = personal %v, %v (first because %q); want the 5 most upvoted",
			f.Personal, ids(f), f.Items[0].Because)
	}

	// Upvotes on coding agents: they leave the feed, which learns from them.
	liked := []string{"2608.19799", "2608.19854", "2608.18580"}
	for _, id := range liked {
		if _, _, err := db.SetVote(ctx, alice.ID, id, true); err != nil {
			t.Fatal(err)
		}
	}
	f, err = r.Feed(ctx, alice.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Personal || f.Signals != 3 || len(f.Items) != 17-3 {
		t.Fatalf("Feed after 3 upvotes = personal %v, %d signals, %d items; want personal, 3, 14", f.Personal, f.Signals, len(f.Items))
	}
	for _, it := range f.Items {
		for _, id := range liked {
			if it.Paper.ID == id {
				t.Errorf("Feed holds %s, which the member upvoted", id)
			}
		}
		if it.Because != "model" {
			t.Errorf("Feed item %s because %q, want model", it.Paper.ID, it.Because)
		}
	}
	for i := 1; i < len(f.Items); i++ {
		if f.Items[i].Score > f.Items[i-1].Score {
			t.Errorf("Feed out of order at %d", i)
		}
	}

	// Not interested: the paper leaves the feed.
	top := f.Items[0].Paper.ID
	if err := db.SetNotInterested(ctx, alice.ID, top, true, time.Time{}); err != nil {
		t.Fatal(err)
	}
	f, err = r.Feed(ctx, alice.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if f.NotInterested != 1 || len(f.Items) != 13 || strings.Contains(strings.Join(ids(f), " "), top) {
		t.Errorf("Feed after not interested in %s = %v (%d refusals), want it gone", top, ids(f), f.NotInterested)
	}

	// Cold start: a seed paper makes the feed personal at once.
	bob := MustCreateAccount(t, db, "bob")
	if err := db.SetInterests(ctx, bob.ID, &quire.Interests{Papers: []string{"2608.20335"}}); err != nil {
		t.Fatal(err)
	}
	f, err = r.Feed(ctx, bob.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Personal || len(f.Items) != 3 || f.Items[0].Paper.ID == "2608.20335" || f.Items[0].Because != "model" {
		t.Errorf("Feed(seed 2608.20335) = personal %v, %v, first because %q; want personal, without the seed, by the model",
			f.Personal, ids(f), f.Items[0].Because)
	}
}

func TestFeedWithoutVectors(t *testing.T) {
	db := MustOpenStore(t)
	alice := MustCreateAccount(t, db, "alice")
	if _, _, err := db.SetVote(t.Context(), alice.ID, "2608.19880", true); err != nil {
		t.Fatal(err)
	}
	// A model with no stored vectors (a new embedder still indexing).
	r := &foryou.Recommender{Store: db, Now: func() time.Time { return now },
		Model: func(ctx context.Context) (string, error) { return "other", nil }}
	f, err := r.Feed(t.Context(), alice.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(f); len(got) != 2 || got[0] != "2608.18580" || f.Items[0].Because != "popular" {
		t.Errorf("Feed without vectors = %v, want the most upvoted papers but the upvoted one", got)
	}
	if _, err := r.Feed(t.Context(), alice.ID, 0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("Feed(limit 0) error = %v, want ErrInvalid", err)
	}
}

// TestFeedFollows brings the papers of a followed author to the top of the
// feed, saying so, for a member with no other signal.
func TestFeedFollows(t *testing.T) {
	db := MustOpenStore(t)
	ctx := t.Context()
	r := &foryou.Recommender{Store: db, Now: func() time.Time { return now }}
	bob := MustCreateAccount(t, db, "bob")
	before, err := r.Feed(ctx, bob.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Items) < 3 || before.Personal {
		t.Fatalf("feed before following: %d items, personal %v", len(before.Items), before.Personal)
	}
	// The least voted paper of the day, by its first author.
	last := before.Items[len(before.Items)-1].Paper
	if _, err := db.CreateFollow(ctx, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowAuthor, Name: last.Authors[0]}); err != nil {
		t.Fatal(err)
	}
	after, err := r.Feed(ctx, bob.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Personal || len(after.Items) == 0 || after.Items[0].Paper.ID != last.ID || after.Items[0].Because != "follow" {
		t.Fatalf("feed after following %s: personal %v, first %v", last.Authors[0], after.Personal, ids(after)[:min(3, len(after.Items))])
	}
}
