package config

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func load(t *testing.T, args []string, kv map[string]string) (*Config, []string, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, env(kv), true)
}

func TestLoadDefaults(t *testing.T) {
	c, rest, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "quire.db" || c.Addr != "localhost:8080" || c.Migrate || c.NoDemo ||
		c.LogLevel != slog.LevelInfo || c.LogFormat != "text" || c.MaxBodyBytes != 1<<20 ||
		c.ShutdownTimeout != 10*time.Second || len(rest) != 0 {
		t.Errorf("defaults = %+v, rest %v", c, rest)
	}
	if got := c.PublicURL(); got != "http://localhost:8080" {
		t.Errorf("PublicURL() = %q", got)
	}
}

func TestLoadPrecedence(t *testing.T) {
	kv := map[string]string{"QUIRE_ADDR": "127.0.0.1:9000", "QUIRE_DB": "env.db", "QUIRE_RUN_MIGRATIONS": "true"}
	c, rest, err := load(t, []string{"--db", "flag.db", "--no-demo", "extra"}, kv)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "flag.db" || c.Addr != "127.0.0.1:9000" || !c.Migrate || !c.NoDemo {
		t.Errorf("config = %+v", c)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("rest = %v", rest)
	}
}

func TestLoadSecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	os.WriteFile(path, []byte("postgres://u:pw@h/db\n"), 0o600)
	c, _, err := load(t, nil, map[string]string{"QUIRE_DB_FILE": path})
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "postgres://u:pw@h/db" {
		t.Errorf("DB = %q", c.DB)
	}
}

func TestLoadInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"addr", []string{"--addr", "nonsense"}, nil, "QUIRE_ADDR"},
		{"level", nil, map[string]string{"QUIRE_LOG_LEVEL": "loud"}, "log level"},
		{"format", []string{"--log-format", "xml"}, nil, "log format"},
		{"bool", nil, map[string]string{"QUIRE_NO_DEMO": "perhaps"}, "true or false"},
		{"body", []string{"--max-body-bytes", "10"}, nil, "too small"},
		{"base", []string{"--base-url", "ftp://x"}, nil, "QUIRE_BASE_URL"},
		{"timeout", []string{"--shutdown-timeout", "soon"}, nil, "duration"},
		{"file", nil, map[string]string{"QUIRE_DB_FILE": "/nonexistent/secret"}, "QUIRE_DB_FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := load(t, tc.args, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestServeOnlyFlags(t *testing.T) {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, _, err := Load(fs, []string{"--addr", "x:1"}, env(nil), false); err == nil {
		t.Error("import accepted --addr")
	}
}

func TestDumpRedacts(t *testing.T) {
	c, _, err := load(t, []string{"--db", "postgres://quire:s3cret@db.example:5432/quire?sslmode=disable"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Dump(&b)
	out := b.String()
	if strings.Contains(out, "s3cret") {
		t.Errorf("Dump shows the password:\n%s", out)
	}
	for _, want := range []string{"QUIRE_DB=postgres://quire:REDACTED@db.example:5432/quire?sslmode=disable\t# flag --db", "QUIRE_ADDR=localhost:8080\t# default"} {
		if !strings.Contains(out, want) {
			t.Errorf("Dump lacks %q:\n%s", want, out)
		}
	}
}

func TestCommunityOptions(t *testing.T) {
	c, _, err := load(t, []string{"--trusted-proxies", "10.0.0.0/8, 127.0.0.1", "--new-account-delay", "1m"},
		map[string]string{"QUIRE_SUBMIT_PER_DAY": "3", "QUIRE_SUBMIT_MAX_AGE": "48h"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.NewAccountDelay != time.Minute || c.SubmitPerDay != 3 || c.SubmitMaxAge != 48*time.Hour {
		t.Errorf("config = %+v", c)
	}
	d := Default()
	if d.NewAccountDelay != 5*time.Minute || d.SubmitMaxAge != 14*24*time.Hour || d.SubmitPerDay != 5 {
		t.Errorf("defaults = %+v", d)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"proxy", []string{"--trusted-proxies", "nonsense"}, "trusted proxy"},
		{"delay", []string{"--new-account-delay", "-1m"}, "new account delay"},
		{"quota", []string{"--submit-per-day", "0"}, "submit per day"},
		{"short secret", []string{"--secret", "short"}, "too short"},
		{"arxiv url", []string{"--arxiv-api-url", "ftp://x"}, "QUIRE_ARXIV_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := load(t, tc.args, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	want := strings.Repeat("ab", 32)
	os.WriteFile(secretFile, []byte(want+"\n"), 0o600)
	c, _, err := load(t, nil, map[string]string{"QUIRE_SECRET_FILE": secretFile})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.LoadSecret(); err != nil || string(got) != want {
		t.Errorf("LoadSecret() = %q, %v", got, err)
	}
	var dump strings.Builder
	c.Dump(&dump)
	if strings.Contains(dump.String(), want) || !strings.Contains(dump.String(), "QUIRE_SECRET=REDACTED") {
		t.Errorf("Dump shows the secret:\n%s", dump.String())
	}

	// SQLite: generated beside the database, the same on the next start.
	c, _, err = load(t, []string{"--db", filepath.Join(dir, "q.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.LoadSecret()
	if err != nil || len(first) < 32 {
		t.Fatalf("LoadSecret() = %q, %v", first, err)
	}
	if again, _ := c.LoadSecret(); string(again) != string(first) {
		t.Errorf("second LoadSecret() = %q, want %q", again, first)
	}

	// PostgreSQL: required.
	c, _, err = load(t, []string{"--db", "postgres://u@h/db"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoadSecret(); err == nil || !strings.Contains(err.Error(), "QUIRE_SECRET") {
		t.Errorf("LoadSecret() with PostgreSQL = %v, want an error naming QUIRE_SECRET", err)
	}
}

func TestDBReplica(t *testing.T) {
	const primary = "postgres://quire:s3cret@db.example/quire"
	const replica = "postgres://quire:r3plica@replica.example/quire?sslmode=verify-full"
	c, _, err := load(t, []string{"--db", primary, "--db-replica", replica}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DBReplica != replica {
		t.Errorf("DBReplica = %q, want %q", c.DBReplica, replica)
	}
	var dump strings.Builder
	c.Dump(&dump)
	if strings.Contains(dump.String(), "r3plica") ||
		!strings.Contains(dump.String(), "QUIRE_DB_REPLICA=postgres://quire:REDACTED@replica.example/quire?sslmode=verify-full\t# flag --db-replica") {
		t.Errorf("Dump does not redact the replica's password:\n%s", dump.String())
	}
	if Default().DBReplica != "" {
		t.Errorf("default DBReplica = %q, want none", Default().DBReplica)
	}

	// A secret, so it may come from a file.
	path := filepath.Join(t.TempDir(), "replica")
	os.WriteFile(path, []byte(replica+"\n"), 0o600)
	c, _, err = load(t, nil, map[string]string{"QUIRE_DB": primary, "QUIRE_DB_REPLICA_FILE": path})
	if err != nil || c.DBReplica != replica {
		t.Errorf("from QUIRE_DB_REPLICA_FILE: DBReplica = %q, %v", c.DBReplica, err)
	}

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"sqlite primary", nil, map[string]string{"QUIRE_DB_REPLICA": replica}, "needs QUIRE_DB to be a postgres:// URL"},
		{"sqlite primary by flag", []string{"--db", "quire.db", "--db-replica", replica}, nil, "needs QUIRE_DB to be a postgres:// URL"},
		{"not a URL", []string{"--db", primary, "--db-replica", "host=replica password=hush"}, nil, "QUIRE_DB_REPLICA: must be a postgres:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := load(t, tc.args, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want mention of %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "r3plica") || strings.Contains(err.Error(), "hush") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}

	// Only the server reads from a replica: other commands take no flag.
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, _, err := Load(fs, []string{"--db", primary, "--db-replica", replica}, env(nil), false); err == nil {
		t.Error("index accepted --db-replica")
	}
}
