package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"time"

	"quire/internal/api"
	"quire/internal/arxiv"
	"quire/internal/config"
	"quire/internal/demo"
	"quire/internal/ingest"
	"quire/internal/mail"
	"quire/internal/metrics"
	"quire/internal/middleware"
	"quire/internal/pagecache"
	"quire/internal/store"
	"quire/internal/web"
)

// Server is a running Quire: its store and HTTP server. Tests start one on
// 127.0.0.1:0 with a temporary database, as `quire serve` does for real.
type Server struct {
	cfg    *config.Config
	logger *slog.Logger
	DB     store.DB
	search *searcher
	http   *http.Server
	ln     net.Listener
}

// NewServer opens the store (migrating a fresh database, or any database
// when cfg.Migrate, and sending the reads that may lag to cfg.DBReplica
// when set), loads the demo catalogue into an empty one unless
// cfg.NoDemo, and builds the HTTP handler.
func NewServer(ctx context.Context, cfg *config.Config, logger *slog.Logger) (_ *Server, err error) {
	if cfg.SecretFile() == "" {
		// PostgreSQL without a configured secret: say so before connecting.
		if _, err := cfg.LoadSecret(); err != nil {
			return nil, err
		}
	}
	db, applied, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if len(applied) > 0 {
		logger.Info("migrated the database", "backend", store.Backend(cfg.DB), "applied", applied)
	}
	if cfg.DBReplica != "" {
		if err := store.UseReplica(ctx, db, cfg.DBReplica, logger); err != nil {
			return nil, fmt.Errorf("QUIRE_DB_REPLICA: %w", err)
		}
		logger.Info("page and API reads that may lag a moment go to the read replica")
	}
	if !cfg.NoDemo {
		if err := loadDemoIfEmpty(ctx, db, logger); err != nil {
			return nil, err
		}
	}
	srch := newSearcher()
	h, err := newHandler(cfg, db, srch, logger)
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg:    cfg,
		logger: logger,
		DB:     db,
		search: srch,
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
	}, nil
}

func loadDemoIfEmpty(ctx context.Context, db store.DB, logger *slog.Logger) error {
	n, err := db.CountPapers(ctx)
	if err != nil || n > 0 {
		return err
	}
	logger.Info("the database is empty: loading the demo catalogue (start with --no-demo to skip)")
	start := time.Now()
	sum, err := demo.Load(ctx, &ingest.Importer{Store: db, Logger: logger})
	if err != nil {
		return fmt.Errorf("loading the demo catalogue: %w", err)
	}
	logger.Info("loaded the demo catalogue", "papers", sum.Papers.Inserted, "daily_entries", sum.Entries.Inserted,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

// newHandler assembles the site: pages at /, the API under /api/, health and
// metrics beside them, all behind the common middleware.
func newHandler(cfg *config.Config, db store.DB, srch *searcher, logger *slog.Logger) (http.Handler, error) {
	ttl := cfg.PageCacheTTL
	if ttl == 0 {
		ttl = -1 // web.Options reads zero as its default
	}
	// One cache for the pages and the API's daily lists, so that a write
	// through the pages purges both.
	var cache *pagecache.Cache
	if ttl > 0 && !cfg.Dev {
		cache = pagecache.New(ttl, nil)
	}
	community, err := communityOptions(cfg, db)
	if err != nil {
		return nil, err
	}
	pages, err := web.New(db, web.Options{Logger: logger, Dev: cfg.Dev, CacheTTL: ttl, Cache: cache, Search: srch, Community: community})
	if err != nil {
		return nil, err
	}
	reg := metrics.NewRegistry()
	mux := http.NewServeMux()
	mux.Handle("/", pages)
	apiOpts := api.Options{Logger: logger, Search: srch, NewAccountDelay: cfg.NewAccountDelay,
		SubmitMaxAge: cfg.SubmitMaxAge, SubmitPerDay: cfg.SubmitPerDay, Cache: cache}
	if cfg.NewAccountDelay == 0 {
		apiOpts.NewAccountDelay = -1 // the API reads zero as its default
	}
	// The pages' arXiv client, so that both keep to one request every
	// three seconds together.
	if c, ok := community.ArXiv.(*arxiv.APIClient); ok {
		apiOpts.ArXiv = c
	}
	mux.Handle("/api/", api.New(db, apiOpts))
	mux.Handle("GET /healthz", healthz(db, srch))
	mux.Handle("GET /metrics", reg.Handler())
	return middleware.Chain(mux,
		middleware.RequestLog(logger),
		middleware.Metrics(reg),
		middleware.Recover(logger),
		middleware.SecureHeaders(middleware.SecureOptions{HTTPS: cfg.HTTPS()}),
		middleware.BodyLimit(cfg.MaxBodyBytes),
	), nil
}

// communityOptions configures accounts, votes, submissions and comments:
// the secret of form tokens, and one arXiv client for the whole process,
// which keeps arXiv's spacing of requests.
func communityOptions(cfg *config.Config, db store.DB) (*web.CommunityOptions, error) {
	secret, err := cfg.LoadSecret()
	if err != nil {
		return nil, err
	}
	client, err := arxiv.NewAPIClient(arxiv.APIOptions{BaseURL: cfg.ArxivAPIURL, Contact: cfg.PublicURL()})
	if err != nil {
		return nil, err
	}
	sender, from, err := newMailer(cfg)
	if err != nil {
		return nil, err
	}
	opts := &web.CommunityOptions{
		Store:           db,
		Secret:          secret,
		Secure:          cfg.HTTPS(),
		TrustedProxies:  cfg.TrustedProxies,
		NewAccountDelay: cfg.NewAccountDelay,
		SubmitMaxAge:    cfg.SubmitMaxAge,
		SubmitPerDay:    cfg.SubmitPerDay,
		ArXiv:           client,
		BaseURL:         cfg.PublicURL(),
	}
	if sender != nil {
		opts.Mail, opts.MailFrom = sender, from
	}
	return opts, nil
}

// newMailer returns the SMTP sender that the configuration describes and
// its From address, or nil when no SMTP host is set.
func newMailer(cfg *config.Config) (*mail.SMTP, netmail.Address, error) {
	if cfg.SMTPHost == "" {
		return nil, netmail.Address{}, nil
	}
	from, err := netmail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return nil, netmail.Address{}, fmt.Errorf("QUIRE_MAIL_FROM: %w", err)
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{
		Host: cfg.SMTPHost, Port: cfg.SMTPPort, Security: mail.Security(cfg.SMTPSecurity),
		Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, PerSecond: cfg.MailRate,
	})
	if err != nil {
		return nil, netmail.Address{}, err
	}
	return s, *from, nil
}

// healthz is the node's health probe. GET /healthz is readiness, for a
// load balancer: 200 "ok" once the database answers and the node's search
// index is complete, 503 with the reason before (a node joining a cluster
// loads or rebuilds its index first) and whenever the database fails. A
// probe that comes while the index loads waits for it up to its timeout,
// so a node a moment from ready answers "ok" rather than sending its
// caller back to poll. GET /healthz?live is liveness, for a supervisor:
// the database only, as before readiness was added, so a node busy loading
// a large index is not restarted for it.
func healthz(db store.DB, srch *searcher) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := db.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		if !r.URL.Query().Has("live") && !srch.WaitReady(ctx) {
			w.WriteHeader(http.StatusServiceUnavailable)
			if srch.Failed() {
				fmt.Fprintln(w, "not ready: the search index could not be built (see the log)")
			} else {
				fmt.Fprintln(w, "not ready: the search index is loading")
			}
			return
		}
		fmt.Fprintln(w, "ok")
	}
}

// Listen binds the configured address; URL is valid afterwards.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// URL is the address the server listens on, as an http URL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Serve serves until ctx is done, then shuts down gracefully: it stops
// accepting connections and waits up to the configured timeout for requests
// in flight.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	searchCtx, stopSearch := context.WithCancel(ctx)
	defer stopSearch()
	s.search.start(searchCtx, s.cfg, s.DB, s.logger)
	go sweepSessions(searchCtx, s.DB, s.logger, sessionSweepInterval)
	if err := startDigests(searchCtx, s.cfg, s.DB, s.search, s.logger); err != nil {
		return err
	}
	stopSync := startSync(searchCtx, s.cfg, s.DB, s.logger)
	defer stopSync()
	stopUpstream := startUpstream(searchCtx, s.cfg, s.DB, s.logger)
	defer stopUpstream()
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		stopSearch()
		<-s.search.done
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	// The search follower saves its snapshot as it stops.
	select {
	case <-s.search.done:
	case <-sctx.Done():
		s.logger.Warn("search: shut down before the index snapshot was saved")
	}
	return err
}

// Close releases the store.
func (s *Server) Close() error { return s.DB.Close() }

func runServe(ctx context.Context, env Env, cfg *config.Config, _ []string) error {
	logger := newLogger(env.Stderr, cfg)
	slog.SetDefault(logger)
	srv, err := NewServer(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.Listen(); err != nil {
		return err
	}
	logger.Info("serving", "url", srv.URL(), "backend", store.Backend(cfg.DB))
	go keepHeapNearLive(ctx, srv.search.built, logger, 10*time.Second)
	return srv.Serve(ctx)
}
