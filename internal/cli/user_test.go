package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/auth"
	"quire/internal/config"
	"quire/internal/store"
	"quire/internal/testenv"
)

// runUserCommand runs `quire user args...` in-process, through Run when the
// command is registered and otherwise as Run would, and returns its output.
func runUserCommand(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runUserCommandIn(t, nil, args...)
}

// runUserCommandIn is runUserCommand with stdin as standard input.
func runUserCommandIn(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: stdin, Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	if slices.ContainsFunc(commands, func(c command) bool { return c.name == "user" }) {
		err = Run(t.Context(), env, append([]string{"user"}, args...))
		return out.String(), errOut.String(), err
	}
	fs := flag.NewFlagSet("quire user", flag.ContinueOnError)
	fs.SetOutput(&errOut)
	run := userCommand.bind(fs)
	cfg, rest, err := config.Load(fs, args, env.Getenv, false)
	if err != nil {
		return out.String(), errOut.String(), ErrUsage
	}
	err = run(t.Context(), env, cfg, rest)
	return out.String(), errOut.String(), err
}

// MustRunUser runs `quire user args...` and fails the test if it fails.
func MustRunUser(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := runUserCommand(t, args...)
	if err != nil {
		t.Fatalf("quire user %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// MustOpenUserDB opens the database the commands wrote, to check them.
func MustOpenUserDB(t *testing.T, dsn string) store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// MustWritePasswordFile writes pw and a line break to a file and returns its
// path.
func MustWritePasswordFile(t *testing.T, pw string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// userBackends are the databases the user tests run against.
func userBackends(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "quire.db") },
		"postgres": func(t *testing.T) string { return testenv.PostgresURL(t) },
	}
}

func TestUserCommands(t *testing.T) {
	for name, newDSN := range userBackends(t) {
		t.Run(name, func(t *testing.T) {
			dsn := newDSN(t)
			pwFile := MustWritePasswordFile(t, "correct horse battery")

			out := MustRunUser(t, "create", "--db", dsn, "--username", "Alice", "--email", "Alice@Example.org",
				"--role", "admin", "--password-file", pwFile)
			if want := "created account alice (id 1, admin)\n"; out != want {
				t.Errorf("create output = %q, want %q", out, want)
			}
			// Database flags before the subcommand work too.
			MustRunUser(t, "--db", dsn, "create", "--username", "bob", "--email", "bob@example.org", "--password-file", pwFile)

			db := MustOpenUserDB(t, dsn)
			ctx := t.Context()
			alice, err := db.FindAccountByUsername(ctx, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if alice.Role != quire.RoleAdmin || alice.Email != "alice@example.org" || alice.EmailVerifiedAt.IsZero() {
				t.Errorf("alice = %+v, want a confirmed admin with a lower-case address", alice)
			}
			if ok, _, err := auth.CheckPassword(alice.PasswordHash, "correct horse battery"); !ok || err != nil {
				t.Errorf("CheckPassword(alice) = %v, %v; want the password from the file", ok, err)
			}

			out = MustRunUser(t, "promote", "bob", "--role", "moderator", "--reason", "helps out", "--db", dsn)
			if want := "bob is now a moderator (was a member)\n"; out != want {
				t.Errorf("promote output = %q, want %q", out, want)
			}
			out = MustRunUser(t, "promote", "bob", "--role", "moderator", "--db", dsn)
			if !strings.Contains(out, "already a moderator") {
				t.Errorf("second promote output = %q, want it to say nothing changed", out)
			}

			bob, err := db.FindAccountByUsername(ctx, "bob")
			if err != nil {
				t.Fatal(err)
			}
			raw, hash := auth.NewAPIToken()
			if _, err := db.CreateAPIToken(ctx, &quire.APIToken{AccountID: bob.ID, Name: "script", Hash: hash, Prefix: raw[:8]}); err != nil {
				t.Fatal(err)
			}
			out = MustRunUser(t, "disable", "bob", "--reason", "spam", "--db", dsn)
			if !strings.HasPrefix(out, "disabled bob") {
				t.Errorf("disable output = %q", out)
			}
			if _, _, err := db.FindAPIToken(ctx, hash); !errors.Is(err, quire.ErrNotFound) {
				t.Errorf("FindAPIToken of a disabled account: err = %v, want ErrNotFound", err)
			}
			if out := MustRunUser(t, "disable", "bob", "--db", dsn); !strings.Contains(out, "already disabled") {
				t.Errorf("second disable output = %q", out)
			}
			list := MustRunUser(t, "list", "--db", dsn)
			if !strings.Contains(list, "alice@example.org") || !regexpLine(list, "bob", "disabled since") {
				t.Errorf("list output lacks the accounts or bob's state:\n%s", list)
			}
			MustRunUser(t, "enable", "bob", "--db", dsn)
			if _, _, err := db.FindAPIToken(ctx, hash); err != nil {
				t.Errorf("FindAPIToken after enable: %v", err)
			}

			// Every change is in the audit log as the operator's.
			audit, err := db.ListAudit(ctx, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			type entry struct {
				ActorID                int64
				Action, Target, Reason string
			}
			var got []entry
			for _, e := range audit {
				got = append(got, entry{e.ActorID, e.Action, e.TargetID, e.Reason})
			}
			id := func(a *quire.Account) string { return quire.IDTargetID(a.ID) }
			want := []entry{
				{0, quire.ActionEnable, id(bob), ""},
				{0, quire.ActionDisable, id(bob), "spam"},
				{0, quire.RoleAction(quire.RoleModerator), id(bob), "helps out"},
				{0, quire.RoleAction(quire.RoleAdmin), id(alice), "created on the command line"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("audit log mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// regexpLine reports whether some line of s holds every one of parts.
func regexpLine(s string, parts ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

func TestUserCreatePasswordFromStdin(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "quire.db")
	stdin := strings.NewReader("a long passphrase\r\nignored second line\n")
	if _, stderr, err := runUserCommandIn(t, stdin, "create", "--db", dsn, "--username", "carol", "--email", "carol@example.org"); err != nil {
		t.Fatalf("quire user create: %v\n%s", err, stderr)
	}
	db := MustOpenUserDB(t, dsn)
	a, err := db.FindAccountByUsername(t.Context(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := auth.CheckPassword(a.PasswordHash, "a long passphrase"); !ok || a.Role != quire.RoleMember {
		t.Errorf("carol: role %s, password from stdin matches %v; want a member with the first line as password", a.Role, ok)
	}
}

func TestUserCommandErrors(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "quire.db")
	good := MustWritePasswordFile(t, "correct horse battery")
	weak := MustWritePasswordFile(t, "password")
	MustRunUser(t, "create", "--db", dsn, "--username", "alice", "--email", "alice@example.org", "--password-file", good)

	create := func(extra ...string) []string {
		return append([]string{"create", "--db", dsn, "--password-file", good}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		// usage is set for command lines that cannot be understood; the
		// others fail with an error that says msg.
		usage bool
		msg   string
	}{
		{"no subcommand", nil, true, ""},
		{"unknown subcommand", []string{"rename", "alice"}, true, ""},
		{"promote without username", []string{"promote", "--db", dsn, "--role", "admin"}, true, ""},
		{"list with argument", []string{"list", "--db", dsn, "alice"}, true, ""},
		{"db flag twice", []string{"--db", dsn, "list", "--db", dsn}, true, ""},
		{"no username", create("--email", "x@example.org"), false, "--username is required"},
		{"bad username", create("--username", "a b", "--email", "x@example.org"), false, "A username may hold only"},
		{"no email", create("--username", "dave"), false, "--email is required"},
		{"bad email", create("--username", "dave", "--email", "dave"), false, "is not an e-mail address"},
		{"bad role", create("--username", "dave", "--email", "d@example.org", "--role", "root"), false, "is not a role"},
		{"weak password", []string{"create", "--db", dsn, "--username", "dave", "--email", "d@example.org", "--password-file", weak}, false, "most common"},
		{"missing password file", []string{"create", "--db", dsn, "--username", "dave", "--email", "d@example.org", "--password-file", filepath.Join(t.TempDir(), "none")}, false, "Cannot read the password file"},
		{"username taken", create("--username", "ALICE", "--email", "other@example.org"), false, "alice"},
		{"email taken", create("--username", "dave", "--email", "Alice@example.org"), false, "Another account has the e-mail address alice@example.org"},
		{"promote unknown", []string{"promote", "zed", "--role", "admin", "--db", dsn}, false, "There is no account named zed"},
		{"promote bad role", []string{"promote", "alice", "--role", "boss", "--db", dsn}, false, "--role must be"},
		{"disable unknown", []string{"disable", "zed", "--db", dsn}, false, "There is no account named zed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runUserCommand(t, tc.args...)
			if tc.usage {
				if !errors.Is(err, ErrUsage) || stderr == "" {
					t.Errorf("err = %v, stderr %q; want a usage error with a message", err, stderr)
				}
				return
			}
			if err == nil || errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want an error saying %q", err, tc.msg)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "user ") {
				t.Errorf("err = %q, want it to name the subcommand", err)
			}
		})
	}

	// Nothing was created by the refused commands.
	list := MustRunUser(t, "list", "--db", dsn)
	if strings.Contains(list, "dave") || strings.Count(list, "\n") != 2 {
		t.Errorf("list after refusals:\n%s\nwant only alice", list)
	}
}
