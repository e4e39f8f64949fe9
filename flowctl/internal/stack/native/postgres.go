package native

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orderflow/platform/database/pgurl"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// flowctl's own PostgreSQL is scripts/postgres.sh's cluster (the one
// implementation: tests, CI and the Docker image run it too), with its data
// in the run dir kept across restarts (PG_KEEP=1: the stacks' state lives
// there), on 127.0.0.1 only with trust auth and no unix socket (a run dir's
// path may be longer than a socket's may be), stopped by `down`. As root
// the script runs the cluster as the unprivileged "postgres" user.

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

// startPostgres starts flowctl's cluster (scripts/postgres.sh start),
// initialising it on first use.
func startPostgres(ctx context.Context, o Options) error {
	port := stack.PostgresPort(o.PortBase)
	if err := stack.CheckPortFree(port, "PostgreSQL"); err != nil {
		return err
	}
	dir := o.Layout.PostgresDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("PostgreSQL dir: %w", err)
	}
	if err := traversable(dir); err != nil {
		return err
	}
	env := []string{"PG_PORT=" + strconv.Itoa(port), "PG_KEEP=1", "PG_CLIENTS=" + strconv.Itoa(pgClients())}
	if err := postgresScript(ctx, o.Layout, "start", env...); err != nil {
		return fmt.Errorf("start PostgreSQL (log %s): %w", o.Layout.Rel(o.Layout.PostgresLog()), err)
	}
	return nil
}

// stopPostgres stops flowctl's own cluster; false when it was not running.
func stopPostgres(ctx context.Context, l stack.Layout) (bool, error) {
	if _, err := os.Stat(filepath.Join(l.PostgresDir(), "data", "postmaster.pid")); err != nil {
		return false, nil
	}
	if err := postgresScript(ctx, l, "stop"); err != nil {
		return false, fmt.Errorf("stop PostgreSQL: %w", err)
	}
	return true, nil
}

// pgClients is how many service processes flowctl's cluster must serve at
// once: every service of every stack at stack.MaxReplicas, which `flowctl
// scale` may reach without the server restarting. scripts/postgres.sh sizes
// max_connections from it (PG_CLIENTS x 2 pools x 8 connections + 20).
func pgClients() int {
	n := 0
	for _, m := range stackmode.All {
		all, err := topology.System(m.Saga(), false) // fraud-svc included
		if err != nil {
			panic(err) // Saga returns only the topology's styles
		}
		n += len(all) * stack.MaxReplicas
	}
	return n
}

// postgresScript runs scripts/postgres.sh cmd for flowctl's cluster (its
// PG_DIR, and env: the script's other settings), in a
// process group of its own so a Ctrl-C in flowctl's terminal does not reach
// the server. The script gets flowctl's environment without the PG*
// variables (psql's and the script's own: PGHOST, PG_LISTEN, …), so only
// what flowctl sets here shapes its cluster.
func postgresScript(ctx context.Context, l stack.Layout, cmd string, env ...string) error {
	c := exec.CommandContext(ctx, "bash", filepath.Join(l.Root, "scripts", "postgres.sh"), cmd)
	c.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") }), "PG_DIR="+l.PostgresDir())
	c.Env = append(c.Env, env...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/postgres.sh %s: %w: %s", cmd, err, lastLine(out))
	}
	return nil
}

// ensureStackDatabase creates mode's database on admin's server if missing
// and returns its URL.
func ensureStackDatabase(ctx context.Context, admin string, m stackmode.Mode, own bool) (string, error) {
	u, err := stack.StackDatabaseURL(admin, m, own)
	if err != nil {
		return "", err
	}
	cfg, err := pgurl.Parse(u)
	if err != nil {
		return "", err
	}
	adminCfg, err := pgurl.Parse(admin)
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
	cfg, err := pgurl.Parse(u)
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
	cfg, err := pgurl.Parse(u)
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
