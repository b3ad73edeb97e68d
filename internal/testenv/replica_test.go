package testenv

import (
	"context"
	"os"
	"testing"
)

func TestReplica(t *testing.T) {
	ctx := context.Background()
	u := PostgresURL(t)
	primary := mustConnect(t, u)
	if _, err := primary.Exec(ctx, "CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2)"); err != nil {
		t.Fatal(err)
	}
	r := StartReplica(t, u)
	replica := mustConnect(t, r.URL)
	count := func() int {
		t.Helper()
		var n int
		if err := replica.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	var standby bool
	if err := replica.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil || !standby {
		t.Fatalf("pg_is_in_recovery() = %v, %v; want a standby", standby, err)
	}
	if n := count(); n != 2 {
		t.Errorf("replica has %d rows of the copy, want 2", n)
	}
	if _, err := replica.Exec(ctx, "INSERT INTO t VALUES (9)"); err == nil {
		t.Error("the replica accepted a write")
	}

	// It follows the primary.
	if _, err := primary.Exec(ctx, "INSERT INTO t VALUES (3)"); err != nil {
		t.Fatal(err)
	}
	r.CatchUp(t)
	if n := count(); n != 3 {
		t.Errorf("after CatchUp the replica has %d rows, want 3", n)
	}

	// Paused, it keeps what it had.
	r.PauseReplay(t)
	if _, err := primary.Exec(ctx, "INSERT INTO t VALUES (4)"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Errorf("paused replica has %d rows, want 3", n)
	}
	r.ResumeReplay(t)
	r.CatchUp(t)
	if n := count(); n != 4 {
		t.Errorf("resumed replica has %d rows, want 4", n)
	}

	dir := r.c.dir
	r.Stop(t)
	r.Stop(t) // twice is fine
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the replica's directory %s remains: %v", dir, err)
	}
	if err := replica.Ping(ctx); err == nil {
		t.Error("the stopped replica still answers")
	}
}
