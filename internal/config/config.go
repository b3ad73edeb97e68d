// Package config holds Quire's settings: one table of options, each settable
// by a command-line flag or a QUIRE_* environment variable, with defaults,
// validation at start, and a dump with secrets redacted.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"quire/internal/auth"
)

// Config is the effective configuration of one quire process.
type Config struct {
	// DB is a SQLite file path or a postgres:// URL.
	DB string
	// DBReplica, with a PostgreSQL DB, is a postgres:// URL of a streaming
	// read replica for the reads of `quire serve` that may lag a moment
	// ("": none).
	DBReplica string
	// Addr is the host:port the server listens on.
	Addr string
	// BaseURL is the public URL of the site, used in absolute links;
	// derived from Addr when empty.
	BaseURL string
	// Migrate applies pending schema migrations at start.
	Migrate bool
	// NoDemo starts with an empty catalogue instead of loading the demo.
	NoDemo bool
	// Dev re-reads templates on each request.
	Dev bool
	// LogLevel and LogFormat ("text" or "json") configure the log.
	LogLevel  slog.Level
	LogFormat string
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// Embedder is "builtin", "openai" or "none"; the Embeddings* settings
	// configure an OpenAI-compatible server.
	Embedder                                      string
	EmbeddingsURL, EmbeddingsModel, EmbeddingsKey string
	// IndexPath is the search snapshot file ("" derives it from DB).
	IndexPath string
	// PageCacheTTL is how long rendered pages are reused (0: never).
	PageCacheTTL time.Duration
	// ShutdownTimeout bounds the graceful shutdown.
	ShutdownTimeout time.Duration
	// Secret keys form tokens and signed links ("" means the file from
	// SecretFile); see LoadSecret.
	Secret string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client.
	TrustedProxies []netip.Prefix
	// NewAccountDelay is how old an account must be to vote or submit.
	NewAccountDelay time.Duration
	// SubmitMaxAge is the oldest arXiv date a submitted paper may have;
	// SubmitPerDay how many papers an account may submit for one day.
	SubmitMaxAge time.Duration
	SubmitPerDay int
	// ArxivAPIURL is the arXiv API endpoint for submissions ("": arXiv's).
	ArxivAPIURL string
	// SMTP* say where mail goes ("" host: mail is off); MailFrom is its
	// sender and MailRate the most messages a second (0: no limit).
	SMTPHost                   string
	SMTPPort                   int
	SMTPSecurity               string
	SMTPUsername, SMTPPassword string
	MailFrom                   string
	MailRate                   float64
	// DigestTime ("07:00") in DigestZone is when digests go out;
	// DigestLease how long a node holds a digest it sends; DigestWorkers
	// how many it sends at once.
	DigestTime    string
	DigestZone    *time.Location
	DigestLease   time.Duration
	DigestWorkers int
	// ArxivSets are the OAI-PMH sets `quire serve` harvests daily at
	// SyncTime ("03:00") in DigestZone, from ArxivOAIURL; none turns the
	// scheduled sync off.
	ArxivSets   []string
	SyncTime    string
	ArxivOAIURL string
	// UpstreamDaily is a daily-papers endpoint (Hugging Face's or another
	// Quire's /api/daily_papers) whose lists `quire serve` merges every
	// UpstreamInterval; "" follows none.
	UpstreamDaily    string
	UpstreamInterval time.Duration
	// SnapshotShare is how often, on PostgreSQL, one node shares its
	// search index snapshot through the database, which a node starting
	// without a snapshot fetches instead of rebuilding its index; 0 never.
	SnapshotShare time.Duration

	// sources records where each option's value came from, for Dump.
	sources map[string]string
}

// Default returns the configuration with every option at its default.
func Default() *Config {
	c := &Config{sources: map[string]string{}}
	for _, o := range options {
		if err := o.set(c, o.def); err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", o.env, err))
		}
		c.sources[o.env] = "default"
	}
	return c
}

// Load builds the configuration for a command: defaults, overridden by the
// environment (getenv), overridden by flags in args. It registers the
// options' flags on fs (only the server's when serve is true), parses args
// and returns the remaining arguments. Values are validated; the error says which
// option is wrong and why.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string, serve bool) (*Config, []string, error) {
	c := Default()
	for _, o := range options {
		if o.serveOnly && !serve {
			continue
		}
		usage := o.usage + " (env " + o.env + ", default " + quoteDefault(o.def) + ")"
		set := func(v string) error {
			if err := o.set(c, v); err != nil {
				return err
			}
			c.sources[o.env] = "flag --" + o.flag
			return nil
		}
		if o.boolean {
			fs.BoolFunc(o.flag, usage, set)
		} else {
			fs.Func(o.flag, usage, set)
		}
	}
	// The environment first, so that flags parsed next override it.
	for _, o := range options {
		v, src, err := lookupEnv(o, getenv)
		if err != nil {
			return nil, nil, err
		}
		if src == "" {
			continue
		}
		if err := o.set(c, v); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", src, err)
		}
		c.sources[o.env] = "env " + src
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

// lookupEnv reads an option from the environment; a secret may instead be
// read from the file named by its _FILE variable (for container secrets).
func lookupEnv(o option, getenv func(string) string) (value, source string, err error) {
	if v := getenv(o.env); v != "" {
		return v, o.env, nil
	}
	if !o.secret {
		return "", "", nil
	}
	path := getenv(o.env + "_FILE")
	if path == "" {
		return "", "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("%s_FILE: %w", o.env, err)
	}
	return strings.TrimSpace(string(b)), o.env + "_FILE", nil
}

// Validate checks the values together.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("QUIRE_DB: must name a SQLite file or a postgres:// URL"))
	}
	if c.DBReplica != "" {
		// The URL may hold a password: the messages do not repeat it.
		switch {
		case !isPostgresURL(c.DB):
			errs = append(errs, errors.New("QUIRE_DB_REPLICA: a read replica needs QUIRE_DB to be a postgres:// URL (SQLite has no replicas)"))
		case !isPostgresURL(c.DBReplica):
			errs = append(errs, errors.New("QUIRE_DB_REPLICA: must be a postgres:// URL"))
		}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("QUIRE_ADDR: %q is not host:port", c.Addr))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_BASE_URL: %q is not an http(s) URL", c.BaseURL))
		}
	}
	if c.ArxivAPIURL != "" {
		u, err := url.Parse(c.ArxivAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_ARXIV_API_URL: %q is not an http(s) URL", c.ArxivAPIURL))
		}
	}
	if c.ArxivOAIURL != "" {
		u, err := url.Parse(c.ArxivOAIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("QUIRE_ARXIV_OAI_URL: %q is not an http(s) URL without a query", c.ArxivOAIURL))
		}
	} else if len(c.ArxivSets) > 0 {
		errs = append(errs, errors.New("QUIRE_ARXIV_OAI_URL: needed with QUIRE_ARXIV_SETS (set QUIRE_ARXIV_SETS=none to turn the scheduled sync off)"))
	}
	if c.UpstreamDaily != "" {
		u, err := url.Parse(c.UpstreamDaily)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_UPSTREAM_DAILY: %q is not an http(s) URL", c.UpstreamDaily))
		}
	}
	if c.UpstreamInterval < time.Minute {
		errs = append(errs, fmt.Errorf("QUIRE_UPSTREAM_INTERVAL: %v is too short (at least 1m)", c.UpstreamInterval))
	}
	if c.SnapshotShare != 0 && c.SnapshotShare < time.Minute {
		errs = append(errs, fmt.Errorf("QUIRE_SNAPSHOT_SHARE_INTERVAL: %v is too short (at least 1m, or 0 for never)", c.SnapshotShare))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("QUIRE_MAX_BODY_BYTES: %d is too small (at least 1024)", c.MaxBodyBytes))
	}
	if c.Embedder == "openai" && (c.EmbeddingsURL == "" || c.EmbeddingsModel == "") {
		errs = append(errs, errors.New("QUIRE_EMBEDDER=openai needs QUIRE_EMBEDDINGS_URL and QUIRE_EMBEDDINGS_MODEL"))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("QUIRE_SHUTDOWN_TIMEOUT: must be positive"))
	}
	if c.SMTPHost != "" {
		if c.MailFrom == "" {
			errs = append(errs, errors.New("QUIRE_MAIL_FROM: needed with QUIRE_SMTP_HOST, such as \"Quire <quire@example.org>\""))
		} else if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			errs = append(errs, fmt.Errorf("QUIRE_MAIL_FROM: %q is not an e-mail address: %v", c.MailFrom, err))
		}
	}
	if c.DigestLease < time.Second {
		errs = append(errs, errors.New("QUIRE_DIGEST_LEASE: must be at least 1s"))
	}
	if c.Secret != "" && len(c.Secret) < auth.MinSecretBytes {
		errs = append(errs, fmt.Errorf("QUIRE_SECRET: %d bytes is too short; use at least %d, such as 64 random hexadecimal digits (openssl rand -hex 32)", len(c.Secret), auth.MinSecretBytes))
	}
	return errors.Join(errs...)
}

// isPostgres reports whether DB names a PostgreSQL database.
func (c *Config) isPostgres() bool { return isPostgresURL(c.DB) }

// isPostgresURL reports whether s is a PostgreSQL URL.
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// ShareSnapshots reports whether nodes share search index snapshots
// through the database: on PostgreSQL, where several nodes serve one
// catalogue, unless SnapshotShare is 0. A SQLite hub has one node, whose
// snapshot file sits beside the database.
func (c *Config) ShareSnapshots() bool { return c.isPostgres() && c.SnapshotShare > 0 }

// SecretFile is where LoadSecret keeps a generated secret: beside a SQLite
// database, or "" for PostgreSQL, whose nodes must share a configured one.
func (c *Config) SecretFile() string {
	if c.isPostgres() {
		return ""
	}
	return c.DB + ".secret"
}

// LoadSecret returns the secret of forms and signed links: Secret when set,
// or else the one in SecretFile, created on first use. With PostgreSQL and
// no Secret it fails, since nodes sharing a database must share the secret
// too.
func (c *Config) LoadSecret() ([]byte, error) {
	if c.Secret != "" {
		return []byte(c.Secret), nil
	}
	path := c.SecretFile()
	if path == "" {
		return nil, errors.New("QUIRE_SECRET (or QUIRE_SECRET_FILE) must be set when QUIRE_DB is a PostgreSQL database, " +
			"the same on every node; generate one with: openssl rand -hex 32")
	}
	secret, err := auth.LoadOrCreateSecret(path)
	if err != nil {
		return nil, fmt.Errorf("QUIRE_SECRET: reading or creating %s: %w", path, err)
	}
	return secret, nil
}

// PublicURL is BaseURL, or the URL Addr serves when BaseURL is unset.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// SearchSnapshot is the search index snapshot file: IndexPath, or beside
// the SQLite database, or quire-search.idx in the working folder for
// PostgreSQL.
func (c *Config) SearchSnapshot() string {
	switch {
	case c.IndexPath != "":
		return c.IndexPath
	case c.isPostgres():
		return "quire-search.idx"
	default:
		return c.DB + ".search"
	}
}

// HTTPS reports whether the site is served over HTTPS.
func (c *Config) HTTPS() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Dump writes the effective values, one per line with their source, secrets
// redacted.
func (c *Config) Dump(w io.Writer) {
	sorted := append([]option(nil), options...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].env < sorted[j].env })
	for _, o := range sorted {
		v := o.get(c)
		if o.redact != nil {
			v = o.redact(v)
		}
		fmt.Fprintf(w, "%s=%s\t# %s\n", o.env, v, c.sources[o.env])
	}
}

func quoteDefault(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
