package testenv

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// mustConnect opens a connection to u, closed when tb ends.
func mustConnect(tb testing.TB, u string) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("pgx.Connect(%q): %v", u, err)
	}
	tb.Cleanup(func() { conn.Close(ctx) })
	return conn
}

func TestPostgresURL(t *testing.T) {
	ctx := context.Background()
	u := PostgresURL(t)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", u, err)
	}
	conn := mustConnect(t, u)

	var db, version string
	if err := conn.QueryRow(ctx, "SELECT current_database(), current_setting('server_version')").Scan(&db, &version); err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimPrefix(parsed.Path, "/"); db != want {
		t.Errorf("current_database() = %q, want %q", db, want)
	}
	if !strings.HasPrefix(version, "15") {
		t.Logf("server version %s (PostgreSQL 15 expected on CI machines)", version)
	}

	// The database is empty and writable.
	var tables int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("new database has %d tables, want 0", tables)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}
	var sum int
	if err := conn.QueryRow(ctx, "SELECT sum(n) FROM t").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 6 {
		t.Errorf("sum = %d, want 6", sum)
	}
}

func TestPostgresURLDropsDatabase(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("use", func(t *testing.T) {
		u := PostgresURL(t)
		// A connection left open must not stop the drop.
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	other := mustConnect(t, PostgresURL(t))
	var n int
	if err := other.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %q still exists after its test ended", name)
	}
}

func TestPostgresURLParallel(t *testing.T) {
	seen := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(strings.Repeat("p", i+1), func(t *testing.T) {
				t.Parallel()
				conn := mustConnect(t, PostgresURL(t))
				var db string
				if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&db); err != nil {
					t.Fatal(err)
				}
				seen <- db
			})
		}
	})
	close(seen)
	dbs := map[string]bool{}
	for db := range seen {
		if dbs[db] {
			t.Errorf("database %q handed out twice", db)
		}
		dbs[db] = true
	}
	if len(dbs) != 8 {
		t.Errorf("got %d distinct databases, want 8", len(dbs))
	}
}

func TestDBName(t *testing.T) {
	tests := []struct {
		test string
		seq  int64
		want string
	}{
		{"TestX", 1, "t1_testx"},
		{"TestConformance/Upsert papers#01", 12, "t12_testconformance_upsert_papers_01"},
		{strings.Repeat("A", 80), 3, "t3_" + strings.Repeat("a", 40)},
	}
	for _, tc := range tests {
		if got := dbName(tc.test, tc.seq); got != tc.want {
			t.Errorf("dbName(%q, %d) = %q, want %q", tc.test, tc.seq, got, tc.want)
		}
	}
}

func TestRemoveStale(t *testing.T) {
	parent := t.TempDir()
	// A process that has exited leaves a pid that is no longer alive.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	mk := func(name, owner string) string {
		dir := filepath.Join(parent, dirPrefix+name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	dead := mk("dead", strconv.Itoa(cmd.Process.Pid))
	live := mk("live", strconv.Itoa(os.Getpid()))
	young := mk("young", "")
	old := mk("old", "")
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(parent, "unrelated")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}

	removeStale(parent)

	for dir, wantKept := range map[string]bool{dead: false, old: false, live: true, young: true, other: true} {
		_, err := os.Stat(dir)
		if kept := err == nil; kept != wantKept {
			t.Errorf("%s kept = %v, want %v", filepath.Base(dir), kept, wantKept)
		}
	}
}
