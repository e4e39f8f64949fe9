package stack

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// The stores a stack's services keep their state in (UpOptions.Store).
const (
	StoreSQLite   = "sqlite"
	StorePostgres = "postgres"
)

// CheckStore rejects a --store value that is neither store.
func CheckStore(s string) error {
	if s == "" || s == StoreSQLite || s == StorePostgres {
		return nil
	}
	return fmt.Errorf("--store %q: use sqlite (a file per service, the default) or postgres", s)
}

// NeedsPostgres says whether o's stack must keep its state in PostgreSQL:
// asked for, or a service runs as more than one replica (SQLite is one
// writer per file).
func (o UpOptions) NeedsPostgres() bool {
	if o.Store == StorePostgres {
		return true
	}
	for _, n := range o.Replicas {
		if n > 1 {
			return true
		}
	}
	return false
}

// RedactURL is a database URL fit to print: host, port and database, never
// the user's password.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a DATABASE_URL that does not parse)"
	}
	return u.Host + u.Path
}

// PostgresPortOffset places flowctl's own PostgreSQL above the port base
// (8530 at the default base), clear of the services, their replicas
// (stack.ReplicaPort) and the dashboard.
const PostgresPortOffset = 450

// PostgresPort is where flowctl's own PostgreSQL listens for a port base.
func PostgresPort(base int) int { return base + PostgresPortOffset }

// OwnPostgresURL is the administrative URL of flowctl's own PostgreSQL: its
// role may create a database per stack; loopback trust, no password.
func OwnPostgresURL(base int) string {
	return fmt.Sprintf("postgres://orderflow@%s/postgres?sslmode=disable", Addr(PostgresPort(base)))
}

// StackDatabaseURL is mode's database on the server admin names: the
// admin URL's database name (orderflow for flowctl's own server) with the
// stack's name after it, orderflow_events_orchestration, so stacks never
// share a schema.
func StackDatabaseURL(admin string, m stackmode.Mode, own bool) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if own || name == "" {
		name = "orderflow"
	}
	u.Path = "/" + name + "_" + strings.ReplaceAll(string(m), "-", "_")
	return u.String(), nil
}

// StoreOf says in words which store mode's stack uses: "SQLite files" or
// "PostgreSQL host:port/database" (never a password).
func (s *Stacks) StoreOf(l Layout, m stackmode.Mode) string {
	if _, err := os.Stat(l.StoreFile(m)); err != nil {
		return "SQLite, a file per service in " + l.Rel(l.ModeDir(m))
	}
	admin, own := s.DatabaseURL(), false
	if admin == "" {
		admin, own = OwnPostgresURL(s.PortBase), true
	}
	u, err := StackDatabaseURL(admin, m, own)
	if err != nil {
		return "PostgreSQL (" + err.Error() + ")"
	}
	if own {
		return "PostgreSQL " + RedactURL(u) + " (flowctl's own)"
	}
	return "PostgreSQL " + RedactURL(u) + " (on DATABASE_URL's server)"
}
