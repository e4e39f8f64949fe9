package native

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// flowctl's own PostgreSQL (what scripts/postgres.sh does, ported): Debian's
// server binaries, a cluster in the run dir kept across restarts (the
// stacks' state lives there), on 127.0.0.1 only with trust auth, stopped
// by `down`. PostgreSQL refuses to run as root, so as root the cluster runs
// as the package's unprivileged "postgres" user.

// pgBin is the newest installed server's bin directory.
func pgBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return pgMajor(a) - pgMajor(b) })
	if len(dirs) == 0 {
		return "", errors.New("no PostgreSQL server found: install it (apt-get install -y postgresql), or set DATABASE_URL to a server of yours")
	}
	return dirs[len(dirs)-1], nil
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// ensurePostgres returns the administrative URL of the server the stacks
// keep their databases on: DATABASE_URL's, else flowctl's own, started if
// it does not answer.
func ensurePostgres(ctx context.Context, o Options, userURL string) (admin, detail string, err error) {
	if userURL != "" {
		if err := pingPostgres(ctx, userURL); err != nil {
			return "", "", fmt.Errorf("DATABASE_URL (%s) does not answer: %w; start that server, or unset DATABASE_URL and flowctl starts its own", stack.RedactURL(userURL), err)
		}
		return userURL, "using DATABASE_URL's server " + stack.RedactURL(userURL), nil
	}
	admin = stack.OwnPostgresURL(o.PortBase)
	addr := stack.Addr(stack.PostgresPort(o.PortBase))
	if pingPostgres(ctx, admin) == nil {
		return admin, "reusing flowctl's PostgreSQL on " + addr, nil
	}
	if err := startPostgres(ctx, o); err != nil {
		return "", "", err
	}
	return admin, fmt.Sprintf("started PostgreSQL on %s (data %s)", addr, o.Layout.Rel(o.Layout.PostgresDir())), nil
}

// startPostgres initialises the cluster on first use and starts it.
func startPostgres(ctx context.Context, o Options) error {
	l := o.Layout
	bin, err := pgBin()
	if err != nil {
		return err
	}
	port := stack.PostgresPort(o.PortBase)
	if err := stack.CheckPortFree(port, "PostgreSQL"); err != nil {
		return err
	}
	dir, data := l.PostgresDir(), filepath.Join(l.PostgresDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("PostgreSQL dir: %w", err)
	}
	if err := chownToOwner(dir); err != nil {
		return err
	}
	if err := traversable(dir); err != nil {
		return err
	}
	fresh := false
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		if err := pgRun(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		fresh = true
	}
	// No unix socket (a run dir's path may be longer than a socket's may
	// be); fsync off: a demo's cluster, `make clean` throws it away anyway.
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port)
	if err := pgRun(ctx, filepath.Join(bin, "pg_ctl"), "-D", data, "-l", l.PostgresLog(), "-w", "-t", "30", "-o", opts, "start"); err != nil {
		return fmt.Errorf("start PostgreSQL (log %s): %w", l.Rel(l.PostgresLog()), err)
	}
	if !fresh {
		return nil
	}
	super := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", stack.Addr(port))
	return pgExec(ctx, super, `CREATE ROLE orderflow LOGIN CREATEDB`)
}

// stopPostgres stops flowctl's own cluster; false when it was not running.
func stopPostgres(ctx context.Context, l stack.Layout) (bool, error) {
	data := filepath.Join(l.PostgresDir(), "data")
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err != nil {
		return false, nil
	}
	bin, err := pgBin()
	if err != nil {
		return false, err
	}
	if err := pgRun(ctx, filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"); err != nil {
		return false, fmt.Errorf("stop PostgreSQL: %w", err)
	}
	return true, nil
}

// ensureStackDatabase creates mode's database on admin's server if missing
// and returns its URL.
func ensureStackDatabase(ctx context.Context, admin string, m stackmode.Mode, own bool) (string, error) {
	u, err := stack.StackDatabaseURL(admin, m, own)
	if err != nil {
		return "", err
	}
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return "", err
	}
	adminCfg, err := pgx.ParseConfig(admin)
	if err != nil {
		return "", fmt.Errorf("the PostgreSQL admin URL: %w", err)
	}
	db := sql.OpenDB(stdlib.GetConnector(*adminCfg))
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, cfg.Database).Scan(&n); err != nil {
		return "", fmt.Errorf("look for the %s stack's database: %w", m, err)
	}
	if n == 0 {
		if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pgx.Identifier{cfg.Database}.Sanitize()); err != nil {
			return "", fmt.Errorf("create the %s stack's database %s (the role needs CREATEDB): %w", m, cfg.Database, err)
		}
	}
	return u, nil
}

func pingPostgres(ctx context.Context, u string) error {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

func pgExec(ctx context.Context, u, stmt string) error {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

// pgRun runs a server program as the cluster's owner, in a process group
// of its own so a Ctrl-C in flowctl's terminal does not reach the server.
func pgRun(ctx context.Context, prog string, args ...string) error {
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "postgres", "--", prog}, args...)
		prog = "runuser"
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(prog), err, lastLine(out))
	}
	return nil
}

// chownToOwner gives dir to "postgres" when flowctl runs as root.
func chownToOwner(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("as root the cluster runs as the user postgres, which is missing (install the postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}

func lastLine(b []byte) string {
	lines := slices.DeleteFunc(strings.Split(string(b), "\n"), func(s string) bool { return strings.TrimSpace(s) == "" })
	if len(lines) == 0 {
		return "(no output)"
	}
	return lines[len(lines)-1]
}

// traversable checks, as root, that the cluster's owner may reach dir: every
// directory above it must be searchable by others (a test's temporary run
// dir is 0700), or initdb fails with a less helpful word.
func traversable(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("PostgreSQL dir: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("PostgreSQL runs as the user postgres, which cannot enter %s (mode %v): use a run dir it can reach (--run-dir), or set DATABASE_URL", d, fi.Mode().Perm())
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}
