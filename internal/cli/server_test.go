package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire/internal/config"
	"quire/internal/testenv"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		runAsQuire()
	}
	testenv.Main(m)
}

// testConfig is the configuration of a server for one test: loopback, a
// SQLite file in a temporary folder, no demo unless asked.
func testConfig(t *testing.T) *config.Config {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DB = filepath.Join(t.TempDir(), "quire.db")
	cfg.NoDemo = true
	// No scheduled harvest of the real arXiv from a test server.
	cfg.ArxivSets = nil
	return cfg
}

// eachBackend runs fn as a subtest on a new SQLite file and on a new
// PostgreSQL database, each with the configuration of testConfig.
func eachBackend(t *testing.T, fn func(t *testing.T, cfg *config.Config)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := testConfig(t)
			if backend == "postgres" {
				cfg.DB = testenv.PostgresURL(t)
				cfg.Secret = strings.Repeat("0123456789abcdef", 4) // a server on PostgreSQL needs one
			}
			fn(t, cfg)
		})
	}
}

// MustStartServer runs a Server as `quire serve` does, until the test ends.
func MustStartServer(t *testing.T, cfg *config.Config) *Server {
	t.Helper()
	return mustStartServerWith(t, cfg, nil)
}

// mustStartServerWith is MustStartServer with prepare, when not nil,
// called on the server before it starts serving.
func mustStartServerWith(t *testing.T, cfg *config.Config, prepare func(*Server)) *Server {
	t.Helper()
	if cfg.IndexPath == "" && cfg.SearchSnapshot() == "quire-search.idx" {
		// PostgreSQL's default is the working folder: the source tree.
		cfg.IndexPath = filepath.Join(t.TempDir(), "quire-search.idx")
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := NewServer(t.Context(), cfg, logger)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if prepare != nil {
		prepare(srv)
	}
	if err := srv.Listen(); err != nil {
		srv.Close()
		t.Fatalf("Listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		srv.Close()
	})
	return srv
}

func TestServeHealthAndMetrics(t *testing.T) {
	srv := MustStartServer(t, testConfig(t))
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/healthz", "ok", 200},
		{"/metrics", `quire_http_requests_total{route="GET /healthz",method="GET",code="200"} 1`, 200},
		{"/no/such/page", "", 404},
		{"/api/daily_papers?date=2025-02-30", "", 400},
	} {
		res, body := get(t, srv.URL()+tc.path)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s = %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if !contains(body, tc.want) {
			t.Errorf("GET %s body lacks %q:\n%.2000s", tc.path, tc.want, body)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s lacks security headers", tc.path)
		}
	}
}

func TestServeRejectsLargeBodies(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxBodyBytes = 1024
	srv := MustStartServer(t, cfg)
	res, err := http.Post(srv.URL()+"/api/daily_papers", "application/json", bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST 4 KB = %d, want 413", res.StatusCode)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownTimeout = 5 * time.Second
	srv, err := NewServer(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	if res, _ := get(t, srv.URL()+"/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz = %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get(srv.URL() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return res, string(b)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestServeNeedsSecretWithPostgres(t *testing.T) {
	cfg := testConfig(t)
	cfg.DB = "postgres://quire@127.0.0.1:1/quire"
	_, err := NewServer(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "QUIRE_SECRET") {
		t.Errorf("NewServer with PostgreSQL and no secret = %v, want an error naming QUIRE_SECRET", err)
	}
}
