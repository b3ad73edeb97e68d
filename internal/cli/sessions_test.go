package cli

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/store"
)

func TestSweepSessions(t *testing.T) {
	db, _, err := store.OpenMigrated(t.Context(), filepath.Join(t.TempDir(), "quire.db"), store.MigrateAlways)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash, _ := auth.HashPassword("correct horse battery")
	a, err := db.CreateAccount(t.Context(), &quire.Account{Username: "ada", Email: "ada@example.org", PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	_, expired := auth.NewToken()
	_, live := auth.NewToken()
	for _, s := range []*quire.Session{
		{TokenHash: expired, AccountID: a.ID, CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(-time.Hour)},
		{TokenHash: live, AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
	} {
		if err := db.CreateSession(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	sweepSessionsOnce(t.Context(), db, slog.New(slog.NewTextHandler(&log, nil)), now)
	if !strings.Contains(log.String(), `msg="removed expired sessions" count=1`) {
		t.Errorf("log = %q", log.String())
	}
	if n, err := db.DeleteExpiredSessions(t.Context(), now); err != nil || n != 0 {
		t.Errorf("after the sweep, %d expired sessions are left (%v)", n, err)
	}
	if _, _, err := db.FindSession(t.Context(), live, now); err != nil {
		t.Errorf("the live session: %v", err)
	}
}
