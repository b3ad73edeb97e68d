// Package cli implements the quire command: its subcommands, flags and the
// wiring of configuration, store and server.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"quire/internal/config"
)

// Env is what a command runs with: its streams and environment, passed in so
// tests can run commands in-process.
type Env struct {
	// Stdin is read by commands that take input (a password); nil reads
	// as empty.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// ErrUsage reports a command line that could not be understood; the usage
// has been printed already.
var ErrUsage = errors.New("usage error")

type command struct {
	name, args, summary string
	// serve says the command takes the server's options.
	serve bool
	// bind registers the command's own flags, beside the configuration's,
	// and returns the function that runs it.
	bind func(fs *flag.FlagSet) runFunc
}

type runFunc func(ctx context.Context, env Env, cfg *config.Config, args []string) error

// noFlags binds a command that has only the configuration's flags.
func noFlags(run runFunc) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc { return run }
}

var commands = []command{
	{name: "serve", summary: "run the web server (loads the demo catalogue into an empty database)", serve: true, bind: noFlags(runServe)},
	{name: "import", args: "FILE...", summary: "import papers from files (daily-papers JSON, arXiv listings, arXiv snapshot; .gz/.zst ok)", bind: bindImport},
	{name: "migrate", summary: "apply pending database migrations", bind: noFlags(runMigrate)},
	{name: "index", summary: "build the search index: train the embedding model if needed, embed every paper, write the snapshot", bind: bindIndex},
	{name: "eval", args: "--queries FILE", summary: "measure search relevance on queries with known answers (prints one JSON object)", bind: bindEval},
	{name: "config", summary: "print the effective configuration, secrets redacted", serve: true, bind: noFlags(runConfig)},
	userCommand,
	digestCommand,
	syncCommand,
	copyCommand,
	backupCommand,
	{name: "version", summary: "print the version", bind: noFlags(runVersion)},
}

// Run runs the quire command line args (without the program name).
func Run(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return Run(ctx, env, []string{args[1], "--help"})
		}
		usage(env.Stdout)
		if len(args) == 0 {
			return ErrUsage
		}
		return nil
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("quire "+c.name, flag.ContinueOnError)
		fs.SetOutput(env.Stderr)
		fs.Usage = func() {
			fmt.Fprintf(env.Stderr, "Usage: quire %s [flags] %s\n\n%s.\n\nFlags:\n", c.name, c.args, capitalise(c.summary))
			fs.PrintDefaults()
		}
		run := c.bind(fs)
		cfg, rest, err := config.Load(fs, args[1:], env.Getenv, c.serve)
		if errors.Is(err, flag.ErrHelp) {
			return nil // the flag package has printed the usage
		}
		if err != nil {
			// flag has printed its own message for bad flags.
			if !strings.HasPrefix(err.Error(), "flag") && !strings.HasPrefix(err.Error(), "invalid") {
				fmt.Fprintf(env.Stderr, "quire %s: %v\n", c.name, err)
			}
			return ErrUsage
		}
		return run(ctx, env, cfg, rest)
	}
	fmt.Fprintf(env.Stderr, "quire: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ErrUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Quire is a self-hosted hub for research papers.")
	fmt.Fprintln(w, "\nUsage: quire COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'quire COMMAND --help' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "by a QUIRE_* environment variable ('quire config' lists them).")
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newLogger builds the process logger from the configuration.
func newLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
