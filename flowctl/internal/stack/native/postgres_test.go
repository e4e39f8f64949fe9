package native

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orderflow/flowctl/internal/stack"
)

// flowctl's own cluster is scripts/postgres.sh's: started in the run dir
// with max_connections sized for every service of every stack at
// MaxReplicas, stopped by down, and its data kept across a restart. A PG*
// variable in flowctl's environment does not reach it (PG_LISTEN=* would
// open it beyond loopback).
func TestOwnPostgresIsTheScriptsCluster(t *testing.T) {
	if _, err := os.Stat("/usr/lib/postgresql"); err != nil {
		t.Skip("no PostgreSQL server installed (apt-get install -y postgresql)")
	}
	t.Setenv("PG_LISTEN", "*")
	ctx := context.Background()
	root, err := stack.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	run, err := os.MkdirTemp("", "flowctl-pg-") // not t.TempDir: the postgres user must enter it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	if err := os.Chmod(run, 0o755); err != nil {
		t.Fatal(err)
	}
	o := Options{Layout: stack.Layout{Root: root, RunDir: run}, PortBase: freePortBase(t)}
	if err := startPostgres(ctx, o); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = stopPostgres(context.Background(), o.Layout) })
	checkSettings(t, o.PortBase)
	db := openAdmin(t, stack.OwnPostgresURL(o.PortBase))
	if _, err := db.Exec(`CREATE DATABASE kept`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if was, err := stopPostgres(ctx, o.Layout); err != nil || !was {
		t.Fatalf("stop = %v, %v; want stopped", was, err)
	}
	writeStalePidFile(t, filepath.Join(o.Layout.PostgresDir(), "data"))
	if err := startPostgres(ctx, o); err != nil {
		t.Fatal(err)
	}
	checkSettings(t, o.PortBase)
	var n int
	if err := openAdmin(t, stack.OwnPostgresURL(o.PortBase)).QueryRow(`SELECT count(*) FROM pg_database WHERE datname = 'kept'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after a restart, database kept: %d, %v; want it still there", n, err)
	}
	if _, err := os.Stat(filepath.Join(o.Layout.PostgresDir(), "data", "PG_VERSION")); err != nil {
		t.Fatalf("the cluster is not in the run dir: %v", err)
	}
}

// writeStalePidFile leaves what a machine restart leaves: a postmaster.pid
// naming a process that is gone (CI's machine once had one; start failed on
// it with "could not send stop signal").
func writeStalePidFile(t *testing.T, dataDir string) {
	t.Helper()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(gone.Process.Pid)+"\n"+dataDir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := exec.Command("chown", "postgres:", pidFile).Run(); err != nil {
			t.Fatal(err)
		}
	}
}

// checkSettings fails t unless the cluster has max_connections for
// pgClients() processes and listens on loopback only.
func checkSettings(t *testing.T, base int) {
	t.Helper()
	var maxConns int
	var listen string
	err := openAdmin(t, stack.OwnPostgresURL(base)).QueryRow(`SELECT current_setting('max_connections')::int, current_setting('listen_addresses')`).Scan(&maxConns, &listen)
	if err != nil {
		t.Fatal(err)
	}
	want := pgClients()*2*8 + 20
	t.Logf("n=%d service processes at most: max_connections %d, listen_addresses %s", pgClients(), maxConns, listen)
	if maxConns != want || listen != "127.0.0.1" {
		t.Fatalf("max_connections %d, listen_addresses %q; want %d on 127.0.0.1", maxConns, listen, want)
	}
}

// freePortBase is a port base whose PostgreSQL port is free.
func freePortBase(t *testing.T) int {
	for base := 41000; base < 60000; base += 137 {
		if stack.CheckPortFree(stack.PostgresPort(base), "PostgreSQL") == nil {
			return base
		}
	}
	t.Fatal("no free port for PostgreSQL")
	return 0
}

func openAdmin(t *testing.T, url string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	t.Cleanup(func() { db.Close() })
	return db
}
