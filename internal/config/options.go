package config

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire/internal/arxiv"
	"quire/internal/auth"
)

// option is one setting: its flag, its environment variable, its default
// and how to parse and print it.
type option struct {
	flag, env, def, usage string
	// secret options may also be read from a file named by env+"_FILE".
	secret bool
	// redact hides the secret parts of a value in Dump.
	redact func(string) string
	// boolean options are flags that need no value (--migrate).
	boolean bool
	// serveOnly options concern the server; other commands do not take
	// them as flags (the environment still sets them, for quire config).
	serveOnly bool
	set       func(c *Config, v string) error
	get       func(c *Config) string
}

// options is the table of every setting.
var options = []option{
	{
		flag: "db", env: "QUIRE_DB", def: "quire.db",
		usage:  "database: a SQLite file path or a postgres:// URL",
		secret: true, redact: redactURL,
		set: func(c *Config, v string) error { c.DB = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return c.DB },
	},
	{
		flag: "db-replica", serveOnly: true, env: "QUIRE_DB_REPLICA", def: "",
		usage:  "PostgreSQL only: postgres:// URL of a streaming read replica for the page and API reads that may lag a moment; empty: everything reads the primary",
		secret: true, redact: redactURL,
		set: func(c *Config, v string) error { c.DBReplica = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return c.DBReplica },
	},
	{
		flag: "addr", serveOnly: true, env: "QUIRE_ADDR", def: "localhost:8080",
		usage: "address to listen on, host:port",
		set:   func(c *Config, v string) error { c.Addr = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.Addr },
	},
	{
		flag: "base-url", serveOnly: true, env: "QUIRE_BASE_URL", def: "",
		usage: "public URL of the site, for absolute links (default: derived from the address)",
		set:   func(c *Config, v string) error { c.BaseURL = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.BaseURL },
	},
	{
		flag: "migrate", boolean: true, env: "QUIRE_RUN_MIGRATIONS", def: "false",
		usage: "apply pending database migrations at start",
		set:   boolSetter(func(c *Config) *bool { return &c.Migrate }),
		get:   func(c *Config) string { return strconv.FormatBool(c.Migrate) },
	},
	{
		flag: "no-demo", boolean: true, serveOnly: true, env: "QUIRE_NO_DEMO", def: "false",
		usage: "start with an empty catalogue instead of loading the demo papers",
		set:   boolSetter(func(c *Config) *bool { return &c.NoDemo }),
		get:   func(c *Config) string { return strconv.FormatBool(c.NoDemo) },
	},
	{
		flag: "dev", serveOnly: true, boolean: true, env: "QUIRE_DEV", def: "false",
		usage: "development mode: re-read templates on every request",
		set:   boolSetter(func(c *Config) *bool { return &c.Dev }),
		get:   func(c *Config) string { return strconv.FormatBool(c.Dev) },
	},
	{
		flag: "log-level", env: "QUIRE_LOG_LEVEL", def: "info",
		usage: "log level: debug, info, warn or error",
		set: func(c *Config, v string) error {
			if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("log level %q: want debug, info, warn or error", v)
			}
			return nil
		},
		get: func(c *Config) string { return strings.ToLower(c.LogLevel.String()) },
	},
	{
		flag: "log-format", env: "QUIRE_LOG_FORMAT", def: "text",
		usage: "log format: text or json",
		set: func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("log format %q: want text or json", v)
			}
			c.LogFormat = v
			return nil
		},
		get: func(c *Config) string { return c.LogFormat },
	},
	{
		flag: "max-body-bytes", serveOnly: true, env: "QUIRE_MAX_BODY_BYTES", def: "1048576",
		usage: "largest request body accepted, in bytes",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("max body bytes %q: not a number", v)
			}
			c.MaxBodyBytes = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
	},
	{
		flag: "embedder", env: "QUIRE_EMBEDDER", def: "builtin",
		usage: "what makes the vectors of semantic search: builtin (a model learned from the catalogue), openai (an OpenAI-compatible /v1/embeddings server) or none",
		set: func(c *Config, v string) error {
			switch v {
			case "builtin", "openai", "none":
				c.Embedder = v
				return nil
			}
			return fmt.Errorf("embedder %q: want builtin, openai or none", v)
		},
		get: func(c *Config) string { return c.Embedder },
	},
	{
		flag: "embeddings-url", env: "QUIRE_EMBEDDINGS_URL", def: "",
		usage: "base URL of the OpenAI-compatible embeddings server (with --embedder openai), e.g. http://localhost:11434",
		set:   func(c *Config, v string) error { c.EmbeddingsURL = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.EmbeddingsURL },
	},
	{
		flag: "embeddings-model", env: "QUIRE_EMBEDDINGS_MODEL", def: "",
		usage: "model name sent to the embeddings server",
		set:   func(c *Config, v string) error { c.EmbeddingsModel = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.EmbeddingsModel },
	},
	{
		flag: "embeddings-key", env: "QUIRE_EMBEDDINGS_KEY", def: "",
		usage:  "API key for the embeddings server, if it needs one",
		secret: true, redact: redactAll,
		set: func(c *Config, v string) error { c.EmbeddingsKey = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return c.EmbeddingsKey },
	},
	{
		flag: "index-path", env: "QUIRE_INDEX_PATH", def: "",
		usage: "file for the search index snapshot (default: beside a SQLite database, or quire-search.idx in the working folder)",
		set:   func(c *Config, v string) error { c.IndexPath = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.IndexPath },
	},
	{
		flag: "page-cache-ttl", serveOnly: true, env: "QUIRE_PAGE_CACHE_TTL", def: "3s",
		usage: "how long a rendered page (for visitors) or an /api/daily_papers answer is reused; 0 turns the cache off",
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("page cache TTL %q: not a duration such as 3s (0 turns the cache off)", v)
			}
			c.PageCacheTTL = d
			return nil
		},
		get: func(c *Config) string { return c.PageCacheTTL.String() },
	},
	{
		flag: "secret", serveOnly: true, env: "QUIRE_SECRET", def: "",
		usage:  "key for session-bound form tokens and signed links, at least 32 bytes, the same on every node (default: generated into a file beside a SQLite database; required with PostgreSQL)",
		secret: true, redact: redactAll,
		set: func(c *Config, v string) error { c.Secret = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return c.Secret },
	},
	{
		flag: "trusted-proxies", serveOnly: true, env: "QUIRE_TRUSTED_PROXIES", def: "",
		usage: "comma-separated networks of reverse proxies whose X-Forwarded-For is believed, e.g. 10.0.0.0/8,127.0.0.1",
		set: func(c *Config, v string) error {
			p, err := auth.ParseTrustedProxies(v)
			if err != nil {
				return err
			}
			c.TrustedProxies = p
			return nil
		},
		get: func(c *Config) string {
			s := make([]string, len(c.TrustedProxies))
			for i, p := range c.TrustedProxies {
				s[i] = p.String()
			}
			return strings.Join(s, ",")
		},
	},
	{
		flag: "new-account-delay", serveOnly: true, env: "QUIRE_NEW_ACCOUNT_DELAY", def: "5m",
		usage: "how old an account must be before it may vote or submit papers",
		set:   durationSetter("new account delay", func(c *Config) *time.Duration { return &c.NewAccountDelay }),
		get:   func(c *Config) string { return c.NewAccountDelay.String() },
	},
	{
		flag: "submit-max-age", serveOnly: true, env: "QUIRE_SUBMIT_MAX_AGE", def: "336h",
		usage: "oldest arXiv paper (by its first version's date) that may be submitted to a daily list",
		set:   durationSetter("submit max age", func(c *Config) *time.Duration { return &c.SubmitMaxAge }),
		get:   func(c *Config) string { return c.SubmitMaxAge.String() },
	},
	{
		flag: "submit-per-day", serveOnly: true, env: "QUIRE_SUBMIT_PER_DAY", def: "5",
		usage: "how many papers one account may submit for one day's list",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return fmt.Errorf("submit per day %q: want a whole number of at least 1", v)
			}
			c.SubmitPerDay = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.SubmitPerDay) },
	},
	{
		flag: "arxiv-api-url", serveOnly: true, env: "QUIRE_ARXIV_API_URL", def: "",
		usage: "arXiv API query endpoint used to fetch submitted papers (default: https://export.arxiv.org/api/query)",
		set:   func(c *Config, v string) error { c.ArxivAPIURL = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.ArxivAPIURL },
	},
	{
		flag: "smtp-host", serveOnly: true, env: "QUIRE_SMTP_HOST", def: "",
		usage: "SMTP server that sends account mail and digests (default: none, mail is off)",
		set:   func(c *Config, v string) error { c.SMTPHost = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.SMTPHost },
	},
	{
		flag: "smtp-port", serveOnly: true, env: "QUIRE_SMTP_PORT", def: "587",
		usage: "SMTP server port (587 for starttls, 465 for tls)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("SMTP port %q: want a port number", v)
			}
			c.SMTPPort = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.SMTPPort) },
	},
	{
		flag: "smtp-security", serveOnly: true, env: "QUIRE_SMTP_SECURITY", def: "starttls",
		usage: "starttls, tls (implicit, port 465) or none (only for a relay on the same machine)",
		set: func(c *Config, v string) error {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "starttls", "tls", "none":
				c.SMTPSecurity = v
				return nil
			}
			return fmt.Errorf("SMTP security %q: want starttls, tls or none", v)
		},
		get: func(c *Config) string { return c.SMTPSecurity },
	},
	{
		flag: "smtp-username", serveOnly: true, env: "QUIRE_SMTP_USERNAME", def: "",
		usage: "SMTP user name (none: no authentication)",
		set:   func(c *Config, v string) error { c.SMTPUsername = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.SMTPUsername },
	},
	{
		flag: "smtp-password", serveOnly: true, env: "QUIRE_SMTP_PASSWORD", def: "",
		usage:  "SMTP password",
		secret: true, redact: redactAll,
		set: func(c *Config, v string) error { c.SMTPPassword = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return c.SMTPPassword },
	},
	{
		flag: "mail-from", serveOnly: true, env: "QUIRE_MAIL_FROM", def: "",
		usage: "sender of Quire's mail, such as \"Quire <quire@example.org>\" (required with an SMTP host)",
		set:   func(c *Config, v string) error { c.MailFrom = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.MailFrom },
	},
	{
		flag: "mail-rate", serveOnly: true, env: "QUIRE_MAIL_RATE", def: "5",
		usage: "most messages sent a second (0: no limit)",
		set: func(c *Config, v string) error {
			r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || r < 0 || r > 1e6 {
				return fmt.Errorf("mail rate %q: want messages a second, 0 or more", v)
			}
			c.MailRate = r
			return nil
		},
		get: func(c *Config) string { return strconv.FormatFloat(c.MailRate, 'f', -1, 64) },
	},
	{
		flag: "digest-time", serveOnly: true, env: "QUIRE_DIGEST_TIME", def: "07:00",
		usage: "time of day when the day's digests go out (daily on weekdays, weekly on Mondays)",
		set:   clockSetter("digest time", func(c *Config) *string { return &c.DigestTime }),
		get:   func(c *Config) string { return c.DigestTime },
	},
	{
		flag: "digest-zone", serveOnly: true, env: "QUIRE_DIGEST_ZONE", def: "UTC",
		usage: "time zone of the digest time, such as Europe/Paris",
		set: func(c *Config, v string) error {
			loc, err := time.LoadLocation(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("digest zone %q: not a time zone such as Europe/Paris", v)
			}
			c.DigestZone = loc
			return nil
		},
		get: func(c *Config) string { return c.DigestZone.String() },
	},
	{
		flag: "digest-lease", serveOnly: true, env: "QUIRE_DIGEST_LEASE", def: "2m",
		usage: "how long a node holds a digest it is sending before another node may take it over",
		set:   durationSetter("digest lease", func(c *Config) *time.Duration { return &c.DigestLease }),
		get:   func(c *Config) string { return c.DigestLease.String() },
	},
	{
		flag: "digest-workers", serveOnly: true, env: "QUIRE_DIGEST_WORKERS", def: "4",
		usage: "digests one node sends at once",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 || n > 256 {
				return fmt.Errorf("digest workers %q: want a number from 1 to 256", v)
			}
			c.DigestWorkers = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.DigestWorkers) },
	},
	{
		flag: "arxiv-sets", serveOnly: true, env: "QUIRE_ARXIV_SETS", def: "cs",
		usage: "comma-separated OAI-PMH sets the server harvests from arXiv every day (cs, math, physics:hep-th, …; \"all\" for every set; \"none\" or empty: no scheduled sync)",
		set: func(c *Config, v string) error {
			sets, err := parseSets(v)
			if err != nil {
				return err
			}
			c.ArxivSets = sets
			return nil
		},
		get: func(c *Config) string {
			if len(c.ArxivSets) == 0 {
				return "none" // an empty variable would read as unset
			}
			return strings.Join(c.ArxivSets, ",")
		},
	},
	{
		flag: "sync-time", serveOnly: true, env: "QUIRE_SYNC_TIME", def: "03:00",
		usage: "time of day, in the digest zone, when the server harvests arXiv",
		set:   clockSetter("sync time", func(c *Config) *string { return &c.SyncTime }),
		get:   func(c *Config) string { return c.SyncTime },
	},
	{
		flag: "arxiv-oai-url", serveOnly: true, env: "QUIRE_ARXIV_OAI_URL", def: arxiv.DefaultOAIURL,
		usage: "arXiv's OAI-PMH endpoint, harvested by the scheduled sync",
		set:   func(c *Config, v string) error { c.ArxivOAIURL = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.ArxivOAIURL },
	},
	{
		flag: "upstream-daily", serveOnly: true, env: "QUIRE_UPSTREAM_DAILY", def: "",
		usage: "a daily-papers endpoint to follow, such as https://huggingface.co/api/daily_papers or another Quire's /api/daily_papers (empty: none)",
		set:   func(c *Config, v string) error { c.UpstreamDaily = strings.TrimSpace(v); return nil },
		get:   func(c *Config) string { return c.UpstreamDaily },
	},
	{
		flag: "upstream-interval", serveOnly: true, env: "QUIRE_UPSTREAM_INTERVAL", def: "1h",
		usage: "how often the server merges the upstream daily-papers list",
		set:   durationSetter("upstream interval", func(c *Config) *time.Duration { return &c.UpstreamInterval }),
		get:   func(c *Config) string { return c.UpstreamInterval.String() },
	},
	{
		flag: "snapshot-share-interval", env: "QUIRE_SNAPSHOT_SHARE_INTERVAL", def: "6h",
		usage: "on PostgreSQL, how often one node shares its search index snapshot through the database for nodes that start without one (0: never; they rebuild the index)",
		set:   durationSetter("snapshot share interval", func(c *Config) *time.Duration { return &c.SnapshotShare }),
		get:   func(c *Config) string { return c.SnapshotShare.String() },
	},
	{
		flag: "shutdown-timeout", serveOnly: true, env: "QUIRE_SHUTDOWN_TIMEOUT", def: "10s",
		usage: "how long a graceful shutdown waits for requests in flight",
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("shutdown timeout %q: not a duration such as 10s", v)
			}
			c.ShutdownTimeout = d
			return nil
		},
		get: func(c *Config) string { return c.ShutdownTimeout.String() },
	},
}

func boolSetter(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*field(c) = b
		return nil
	}
}

// durationSetter parses a non-negative duration such as 5m or 336h.
func durationSetter(name string, field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return fmt.Errorf("%s %q: not a duration such as 5m or 336h", name, v)
		}
		*field(c) = d
		return nil
	}
}

// clockSetter parses a time of day such as 07:00.
func clockSetter(name string, field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
		hour, err1 := strconv.Atoi(h)
		minute, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
			return fmt.Errorf("%s %q: want a time of day such as 07:00", name, v)
		}
		*field(c) = fmt.Sprintf("%02d:%02d", hour, minute)
		return nil
	}
}

// parseSets reads a comma-separated list of OAI-PMH sets; "" and "none"
// give none. An empty environment variable reads as unset, so the
// environment turns the sync off with "none".
// A set is a setSpec, colon-separated parts of letters, digits and
// -._!~*'() (OAI-PMH's unreserved characters), or "all" for every set.
func parseSets(v string) ([]string, error) {
	var sets []string
	if strings.TrimSpace(v) == "none" {
		return nil, nil
	}
	for s := range strings.SplitSeq(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		ok := len(s) <= 100
		for part := range strings.SplitSeq(s, ":") {
			ok = ok && part != "" && strings.Trim(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()") == ""
		}
		if !ok {
			return nil, fmt.Errorf("arXiv sets: %q is not an OAI-PMH set such as cs or physics:hep-th", s)
		}
		if !slices.Contains(sets, s) {
			sets = append(sets, s)
		}
	}
	return sets, nil
}

// redactAll hides a whole secret value, keeping only whether it is set.
func redactAll(v string) string {
	if v == "" {
		return ""
	}
	return "REDACTED"
}

// redactURL hides the password of a URL; other values pass unchanged.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "REDACTED")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
