// Package testenv provides real services for tests, started on demand and
// cleaned up afterwards, such as a throwaway PostgreSQL cluster that hands
// each test a fresh database (PostgresURL, Main) and streaming replicas of
// it (StartReplica).
package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// errNoPostgres means the PostgreSQL server binaries are not installed.
var errNoPostgres = errors.New("PostgreSQL binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin")

var (
	// mainRunning is set by Main; without it nobody would stop the cluster.
	mainRunning atomic.Bool

	clusterOnce sync.Once
	theCluster  *cluster
	clusterErr  error

	dbSeq atomic.Int64
)

// Main runs the tests of a package that uses PostgresURL, then stops the
// cluster and removes its files, and exits with the tests' status. Call it
// from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	mainRunning.Store(true)
	code := m.Run()
	if theCluster != nil {
		if err := theCluster.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: stopping PostgreSQL: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// PostgresURL returns the URL of a new, empty database on the test cluster,
// which is started on first use. The database is dropped when tb ends.
// Without PostgreSQL installed the test is skipped, unless the CI
// environment variable is set, in which case it fails.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	if !mainRunning.Load() {
		tb.Fatal("testenv.PostgresURL needs TestMain to call testenv.Main, which stops the cluster")
	}
	clusterOnce.Do(func() { theCluster, clusterErr = startCluster() })
	if errors.Is(clusterErr, errNoPostgres) {
		if os.Getenv("CI") != "" {
			tb.Fatalf("testenv: %v; CI is set, so PostgreSQL tests must run (install PostgreSQL 15 server binaries)", clusterErr)
		}
		tb.Skipf("testenv: %v", clusterErr)
	}
	if clusterErr != nil {
		tb.Fatalf("testenv: starting PostgreSQL: %v", clusterErr)
	}
	name := dbName(tb.Name(), dbSeq.Add(1))
	if err := theCluster.admin(func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "CREATE DATABASE "+name)
		return err
	}); err != nil {
		tb.Fatalf("testenv: creating database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		// FORCE ends connections the test left open (a pool not yet closed).
		if err := theCluster.admin(func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			return err
		}); err != nil {
			tb.Errorf("testenv: dropping database %s: %v", name, err)
		}
	})
	return theCluster.url(name)
}

var nonIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// dbName makes a unique, valid and readable database name from a test name.
func dbName(test string, seq int64) string {
	s := nonIdent.ReplaceAllString(strings.ToLower(test), "_")
	if len(s) > 40 {
		s = s[:40]
	}
	return fmt.Sprintf("t%d_%s", seq, strings.Trim(s, "_"))
}

// cluster is a running postgres server that owns a temporary directory.
type cluster struct {
	dir  string // holds data/, the unix socket and the server log
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the server process has exited
	werr error         // the process's exit status, valid after done

	mu   sync.Mutex // serialises use of conn
	conn *pgx.Conn  // superuser connection to the postgres database
}

// clusterDir finds the server binaries and makes a new temporary
// directory for a cluster, owned by the user the servers run as.
func clusterDir() (binDir string, cred *syscall.Credential, dir string, err error) {
	if binDir, err = findBinDir(); err != nil {
		return "", nil, "", err
	}
	if cred, err = runAs(); err != nil {
		return "", nil, "", err
	}
	if dir, err = makeDir(cred); err != nil {
		return "", nil, "", err
	}
	return binDir, cred, dir, nil
}

// startCluster creates a cluster in a new temporary directory and starts it.
func startCluster() (c *cluster, err error) {
	binDir, cred, dir, err := clusterDir()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	data := filepath.Join(dir, "data")
	initdb := command(cred, dir, filepath.Join(binDir, "initdb"),
		"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return startServer(cred, binDir, dir)
}

// startServer starts the server on the cluster in dir, on a free port.
func startServer(cred *syscall.Credential, binDir, dir string) (c *cluster, err error) {
	// The free port can be taken between choosing and binding; try again then.
	for attempt := 0; ; attempt++ {
		c, err = startServerOnce(cred, binDir, dir)
		if err == nil || attempt == 2 {
			return c, err
		}
	}
}

func startServerOnce(cred *syscall.Credential, binDir, dir string) (*cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := command(cred, dir, filepath.Join(binDir, "postgres"),
		"-D", filepath.Join(dir, "data"),
		"-p", strconv.Itoa(port),
		"-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		// Durability is worthless for a throwaway cluster; speed is not.
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	// The server runs as a child rather than daemonised by pg_ctl, so that
	// if the test binary dies without Main's cleanup (a timeout panic, a
	// kill) the kernel stops the server with it. Pdeathsig follows the
	// thread that started the child, not the process, and Go ends a thread
	// when a goroutine locked to it exits, which other code in the binary
	// may do; so the child is started, and waited for, on a thread of its
	// own.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	c := &cluster{dir: dir, port: port, cmd: cmd, done: make(chan struct{})}
	started := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		err := cmd.Start()
		started <- err
		if err != nil {
			return
		}
		c.werr = cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting postgres: %v", err)
	}
	if err := c.waitReady(30 * time.Second); err != nil {
		c.kill()
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return nil, fmt.Errorf("%v\nserver log:\n%s", err, log)
	}
	return c, nil
}

// waitReady connects until the server accepts connections.
func (c *cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		cancel()
		if err == nil {
			c.conn = conn
			return nil
		}
		select {
		case <-c.done:
			return fmt.Errorf("postgres exited: %v", c.werr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not accepting connections after %v: %v", timeout, err)
		}
	}
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// admin runs f on the superuser connection, one caller at a time.
func (c *cluster) admin(f func(context.Context, *pgx.Conn) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if c.conn.IsClosed() {
		// A test may have ended it (pg_terminate_backend); open another.
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		if err != nil {
			return err
		}
		c.conn = conn
	}
	return f(ctx, c.conn)
}

// stop shuts the server down and removes its directory.
func (c *cluster) stop() error {
	if c.conn != nil {
		c.conn.Close(context.Background())
	}
	// SIGINT is PostgreSQL's "fast" shutdown: it ends sessions and exits.
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.kill()
	}
	return os.RemoveAll(c.dir)
}

func (c *cluster) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// findBinDir returns the directory holding initdb and postgres.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
		if p, err := exec.LookPath("postgres"); err == nil {
			// Symlinks on PATH may sit beside a real bin dir elsewhere.
			if real, err := filepath.EvalSymlinks(p); err == nil {
				return filepath.Dir(real), nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errNoPostgres
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// runAs returns the credentials to run the server with: initdb and postgres
// refuse to run as root, so root runs them as the postgres user (or nobody).
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and found neither a postgres nor a nobody user to run the server as")
}

// makeDir creates the cluster's directory, owned by the server's user, in a
// place that user can reach. A memory file system is preferred when it has
// room: on disk, even with fsync off, CREATE DATABASE takes about ten times
// as long, and every test creates one.
func makeDir(cred *syscall.Credential) (string, error) {
	var parents []string
	var fs syscall.Statfs_t
	if syscall.Statfs("/dev/shm", &fs) == nil && fs.Bavail*uint64(fs.Bsize) >= 2<<30 {
		parents = append(parents, "/dev/shm")
	}
	parents = append(parents, os.TempDir(), "/tmp")
	var reasons []string
	for _, parent := range parents {
		removeStale(parent)
		if cred != nil {
			if err := checkTraversable(parent, cred); err != nil {
				reasons = append(reasons, err.Error())
				continue
			}
		}
		dir, err := os.MkdirTemp(parent, dirPrefix)
		if err != nil {
			reasons = append(reasons, err.Error())
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		if cred != nil {
			if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
				os.RemoveAll(dir)
				return "", err
			}
		}
		return dir, nil
	}
	return "", fmt.Errorf("no temporary directory the server's user can reach: %s", strings.Join(reasons, "; "))
}

const (
	dirPrefix = "quire-pg-"
	ownerFile = "owner.pid" // the pid of the test binary that made the directory
)

// removeStale deletes cluster directories left in parent by test binaries
// that died without cleaning up (killed, or timed out): they would otherwise
// hold memory in /dev/shm until the next boot. Their servers are already
// gone, stopped by Pdeathsig.
func removeStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			// A directory this young may be about to get its owner file.
			if fi, err := os.Stat(dir); err != nil || time.Since(fi.ModTime()) < time.Minute {
				continue
			}
		} else if pid, err := strconv.Atoi(string(b)); err != nil || alive(pid) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// checkTraversable reports an error when a directory on the path to dir
// (inclusive) cannot be searched by the user of cred.
func checkTraversable(dir string, cred *syscall.Credential) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		canSearch := mode&0o001 != 0 ||
			ok && st.Uid == cred.Uid && mode&0o100 != 0 ||
			ok && st.Gid == cred.Gid && mode&0o010 != 0
		if !canSearch {
			return fmt.Errorf("%s is not searchable by uid %d", d, cred.Uid)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// command prepares a server program to run in dir as cred's user.
func command(cred *syscall.Credential, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
