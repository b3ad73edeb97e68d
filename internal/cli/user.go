package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"quire"
	"quire/internal/auth"
	"quire/internal/config"
	"quire/internal/store"
)

// userCommand is `quire user`, the operator's tool for accounts: creating
// them, and the moderation actions that need no moderator account yet (the
// first admin is made here). Every change of role or state goes through the
// store's moderation methods with actor 0, so the audit log shows it as the
// operator's.
var userCommand = command{
	name:    "user",
	args:    "create|promote|disable|enable|list [flags] [USERNAME]",
	summary: "manage accounts: create, promote (set a role), disable, enable, list",
	bind:    bindUser,
}

// userSub is one subcommand of `quire user`.
type userSub struct {
	name, args, summary string
	// positional is how many arguments besides flags it takes.
	positional int
	bind       func(fs *flag.FlagSet) userRunFunc
}

type userRunFunc func(ctx context.Context, env Env, db store.DB, args []string) error

var userSubs = []userSub{
	{name: "create", summary: "create an account; the password is read from --password-file or standard input", bind: bindUserCreate},
	{name: "promote", args: "USERNAME", positional: 1, summary: "give an account a role (member, moderator or admin)", bind: bindUserPromote},
	{name: "disable", args: "USERNAME", positional: 1, summary: "disable an account: it is signed out and its API tokens stop working", bind: bindUserDisable(true)},
	{name: "enable", args: "USERNAME", positional: 1, summary: "enable a disabled account again", bind: bindUserDisable(false)},
	{name: "list", summary: "list every account, oldest first", bind: func(*flag.FlagSet) userRunFunc { return runUserList }},
}

// operator is the moderation record of an action taken on the command line.
func operator(reason string) quire.Moderation {
	return quire.Moderation{ActorID: 0, Reason: reason}
}

func userUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: quire user SUBCOMMAND [flags] [USERNAME]\n\nSubcommands:")
	for _, s := range userSubs {
		fmt.Fprintf(w, "  %-8s %s\n", s.name, s.summary)
	}
	fmt.Fprintln(w, "\nRun 'quire user SUBCOMMAND --help' for its flags. Database flags (--db, ...)")
	fmt.Fprintln(w, "may come before or after the subcommand.")
}

// bindUser binds `quire user`. top is the command's flag set, which holds
// the configuration flags given before the subcommand.
func bindUser(top *flag.FlagSet) runFunc {
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		if len(args) == 0 {
			userUsage(env.Stderr)
			return ErrUsage
		}
		i := -1
		for j, s := range userSubs {
			if s.name == args[0] {
				i = j
			}
		}
		if i < 0 {
			fmt.Fprintf(env.Stderr, "quire user: unknown subcommand %q\n\n", args[0])
			userUsage(env.Stderr)
			return ErrUsage
		}
		sub := userSubs[i]
		fs := flag.NewFlagSet("quire user "+sub.name, flag.ContinueOnError)
		fs.SetOutput(env.Stderr)
		fs.Usage = func() {
			fmt.Fprintf(env.Stderr, "Usage: quire user %s [flags] %s\n\n%s.\n\nFlags:\n", sub.name, sub.args, capitalise(sub.summary))
			fs.PrintDefaults()
		}
		run := sub.bind(fs)
		own := map[string]bool{}
		fs.VisitAll(func(f *flag.Flag) { own[f.Name] = true })

		// The configuration flags are registered again here, so that
		// `quire user create --db x.db ...` works as well as
		// `quire user --db x.db create ...`.
		subCfg, rest, err := config.Load(fs, args[1:], env.Getenv, false)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		// Flags may also follow the username: `promote alice --role admin`.
		var positional []string
		for err == nil && len(rest) > 0 {
			positional = append(positional, rest[0])
			err = fs.Parse(rest[1:])
			rest = fs.Args()
		}
		if err == nil {
			err = subCfg.Validate()
		}
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "flag") && !strings.HasPrefix(err.Error(), "invalid") {
				fmt.Fprintf(env.Stderr, "quire user %s: %v\n", sub.name, err)
			}
			return ErrUsage
		}
		if len(positional) != sub.positional {
			want := "no arguments"
			if sub.positional == 1 {
				want = "one argument, " + sub.args
			}
			fmt.Fprintf(env.Stderr, "quire user %s: takes %s (got %d)\n", sub.name, want, len(positional))
			return ErrUsage
		}
		subSet, topSet := false, false
		fs.Visit(func(f *flag.Flag) { subSet = subSet || !own[f.Name] })
		top.Visit(func(*flag.Flag) { topSet = true })
		if subSet && topSet {
			fmt.Fprintf(env.Stderr, "quire user %s: give the database flags either before or after %q, not both\n", sub.name, sub.name)
			return ErrUsage
		}
		if subSet {
			cfg = subCfg
		}

		db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
		if err != nil {
			return err
		}
		defer db.Close()
		if err := run(ctx, env, db, positional); err != nil {
			return userError(sub.name, err)
		}
		return nil
	}
}

// userError words err for the operator: the message meant for users when
// there is one, else err itself, after the subcommand's name. Its kind is
// kept.
func userError(sub string, err error) error {
	msg := quire.UserMessage(err)
	if msg == "" {
		msg = err.Error()
	}
	return &cliError{msg: "user " + sub + ": " + msg, err: err}
}

type cliError struct {
	msg string
	err error
}

func (e *cliError) Error() string { return e.msg }
func (e *cliError) Unwrap() error { return e.err }

func bindUserCreate(fs *flag.FlagSet) userRunFunc {
	username := fs.String("username", "", "the account's username: 3 to 32 letters, digits, '_' or '-' (required)")
	email := fs.String("email", "", "the account's e-mail address (required)")
	role := fs.String("role", string(quire.RoleMember), "member, moderator or admin")
	pwFile := fs.String("password-file", "", "read the password from this file's first line; without it, from standard input")
	verified := fs.Bool("verified", true, "count the e-mail address as confirmed")
	return func(ctx context.Context, env Env, db store.DB, _ []string) error {
		name, err := quire.NormalizeUsername(*username)
		if *username == "" {
			err = quire.Invalidf("--username is required.")
		}
		if err != nil {
			return err
		}
		addr, err := quire.NormalizeEmail(*email)
		if *email == "" {
			err = quire.Invalidf("--email is required.")
		}
		if err != nil {
			return err
		}
		r := quire.Role(strings.ToLower(strings.TrimSpace(*role)))
		if !r.Valid() {
			return quire.Invalidf("%q is not a role (member, moderator or admin).", *role)
		}
		pw, err := readPassword(env, *pwFile)
		if err != nil {
			return err
		}
		if err := auth.ValidatePassword(pw); err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		a := &quire.Account{Username: name, Email: addr, PasswordHash: hash, Role: quire.RoleMember}
		a, err = db.CreateAccount(ctx, a)
		if errors.Is(err, quire.ErrEmailTaken) {
			// The operator may know what a sign-up form must not say.
			return quire.Conflictf("Another account has the e-mail address %s.", addr)
		}
		if err != nil {
			return err
		}
		if *verified {
			if err := db.SetEmailVerified(ctx, a.ID, a.CreatedAt); err != nil {
				return err
			}
		}
		// A role above member is granted as a moderation action, so that
		// the audit log shows who made the account powerful.
		if r != quire.RoleMember {
			if err := db.SetAccountRole(ctx, a.ID, r, operator("created on the command line")); err != nil {
				return fmt.Errorf("account %s was created as a member, but giving it the role %s failed: %w", name, r, err)
			}
		}
		fmt.Fprintf(env.Stdout, "created account %s (id %d, %s)\n", name, a.ID, r)
		return nil
	}
}

// readPassword reads the password from the first line of the file at path,
// or of standard input when path is "". The line break ending it is not
// part of the password; nothing else is trimmed.
func readPassword(env Env, path string) (string, error) {
	in := env.Stdin
	if in == nil {
		in = strings.NewReader("")
	}
	source := "standard input"
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return "", quire.Invalidf("Cannot read the password file: %v", err)
		}
		defer f.Close()
		in, source = f, path
	} else if f, ok := in.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(env.Stderr, "Password (shown as typed; use --password-file to avoid that): ")
	}
	// One byte more than a password may have, plus the line break, is
	// enough to tell a long password from an allowed one.
	r := bufio.NewReaderSize(io.LimitReader(in, auth.MaxPasswordBytes+3), auth.MaxPasswordBytes+3)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the password from %s: %w", source, err)
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", quire.Invalidf("No password was given on %s.", source)
	}
	return line, nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// findUser returns the account named by the command line's argument.
func findUser(ctx context.Context, db store.DB, name string) (*quire.Account, error) {
	n, err := quire.NormalizeUsername(name)
	if err != nil {
		return nil, err
	}
	a, err := db.FindAccountByUsername(ctx, n)
	if errors.Is(err, quire.ErrNotFound) {
		return nil, quire.NotFoundf("There is no account named %s.", n)
	}
	return a, err
}

func bindUserPromote(fs *flag.FlagSet) userRunFunc {
	role := fs.String("role", "", "the new role: member, moderator or admin (required)")
	reason := fs.String("reason", "", "why, for the audit log")
	return func(ctx context.Context, env Env, db store.DB, args []string) error {
		r := quire.Role(strings.ToLower(strings.TrimSpace(*role)))
		if !r.Valid() {
			return quire.Invalidf("--role must be member, moderator or admin, not %q.", *role)
		}
		a, err := findUser(ctx, db, args[0])
		if err != nil {
			return err
		}
		if a.Role == r {
			fmt.Fprintf(env.Stdout, "%s is already a %s; nothing changed\n", a.Username, r)
			return nil
		}
		if err := db.SetAccountRole(ctx, a.ID, r, operator(*reason)); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s is now a %s (was a %s)\n", a.Username, r, a.Role)
		return nil
	}
}

func bindUserDisable(disable bool) func(fs *flag.FlagSet) userRunFunc {
	return func(fs *flag.FlagSet) userRunFunc {
		reason := fs.String("reason", "", "why, for the audit log")
		return func(ctx context.Context, env Env, db store.DB, args []string) error {
			a, err := findUser(ctx, db, args[0])
			if err != nil {
				return err
			}
			state := map[bool]string{true: "disabled", false: "enabled"}[disable]
			if a.Disabled() == disable {
				fmt.Fprintf(env.Stdout, "%s is already %s; nothing changed\n", a.Username, state)
				return nil
			}
			if err := db.SetAccountDisabled(ctx, a.ID, disable, operator(*reason)); err != nil {
				return err
			}
			if disable {
				fmt.Fprintf(env.Stdout, "disabled %s: signed out everywhere, and its API tokens no longer work\n", a.Username)
			} else {
				fmt.Fprintf(env.Stdout, "enabled %s\n", a.Username)
			}
			return nil
		}
	}
}

func runUserList(ctx context.Context, env Env, db store.DB, _ []string) error {
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSERNAME\tEMAIL\tROLE\tSTATE\tCREATED")
	const page = 500
	n := 0
	for offset := 0; ; offset += page {
		accounts, err := db.ListAccounts(ctx, page, offset)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			state := "active"
			switch {
			case a.Disabled():
				state = "disabled since " + a.DisabledAt.Format(quire.DayLayout)
			case a.EmailVerifiedAt.IsZero():
				state = "unconfirmed"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Username, a.Email, a.Role, state, a.CreatedAt.Format(quire.DayLayout))
		}
		n += len(accounts)
		if len(accounts) < page {
			break
		}
	}
	if n == 0 {
		fmt.Fprintln(env.Stdout, "no accounts yet; create one with `quire user create`")
		return nil
	}
	return w.Flush()
}
