package postgres

import (
	"context"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/testenv"
)

// TestReplicaFailed sorts real errors into the replica's failures, which
// send a read to the primary, and the read's own, which the primary would
// give too.
func TestReplicaFailed(t *testing.T) {
	ctx := t.Context()
	url := testenv.PostgresURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	queryErr := func(sql string) error {
		t.Helper()
		var n int
		err := conn.QueryRow(ctx, sql).Scan(&n)
		if err == nil {
			t.Fatalf("%s succeeded, want an error", sql)
		}
		return err
	}

	_, refused := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/quire?connect_timeout=5")
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/no_such_database"
	_, noDatabase := pgx.Connect(ctx, u.String())

	// A connection the server ends, as one shutting down does.
	victim, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend($1)", victim.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	var one int
	terminated := victim.QueryRow(ctx, "SELECT 1").Scan(&one)

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused connection", refused, true},
		{"no such database", noDatabase, true},
		{"terminated connection", terminated, true},
		{"table not replayed yet", queryErr("SELECT count(*) FROM papers_not_there"), true},
		{"no rows", queryErr("SELECT 1 WHERE false"), false},
		{"syntax", queryErr("SELEKT 1"), false},
		{"division by zero", queryErr("SELECT 1/0"), false},
		{"bad input", queryErr("SELECT 'x'::int"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error to classify")
			}
			if got := replicaFailed(tc.err); got != tc.want {
				t.Errorf("replicaFailed(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestReplicaWarnings checks the pacing of the warnings: at most one a
// minute, whatever the number of failures.
func TestReplicaWarnings(t *testing.T) {
	var r reader
	t0 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		after time.Duration
		want  bool
	}{
		{0, true},
		{time.Second, false},
		{59 * time.Second, false},
		{61 * time.Second, true},
		{90 * time.Second, false},
		{125 * time.Second, true},
	} {
		if got := r.shouldWarn(t0.Add(tc.after)); got != tc.want {
			t.Errorf("shouldWarn(t0+%v) = %v, want %v", tc.after, got, tc.want)
		}
	}
}

func TestUseReplicaErrors(t *testing.T) {
	ctx := context.Background()
	url := testenv.PostgresURL(t)
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.UseReplica(ctx, "postgres://quire:s3cret@localhost:notaport/quire", nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("UseReplica(a malformed URL) = %v, want an error without the password", err)
	}
	if db.read.replica != nil {
		t.Error("a malformed URL left a replica set")
	}
	// The cluster itself stands in for a replica here.
	if err := db.UseReplica(ctx, url, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.UseReplica(ctx, url, nil); err == nil {
		t.Error("a second UseReplica succeeded")
	}
}
