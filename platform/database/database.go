// Package database opens a service's store on either of the two databases it
// runs on and says which: SQLite (a file, the default: platform/sqlitedb, kept
// exactly as it was) or PostgreSQL (DATABASE_URL, through pgx's database/sql
// driver), so the stores, the outbox and the inbox keep one code path.
//
// On PostgreSQL each service owns one schema of the one database the URL
// names (order_svc, inventory_svc, …): a stack needs one server and one URL,
// a service still sees only its own tables (search_path), and its replicas
// share them, which is what lets a service run as N processes.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/orderflow/platform/sqlitedb"
)

// Dialect is the SQL a store's database speaks.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Target says where a service's database is: URL (a postgres:// URL) when
// set, else the SQLite file at Path. Schema is the PostgreSQL schema the
// service owns (its name, see SchemaName).
type Target struct {
	Path   string
	URL    string
	Schema string
}

// Dialect is the dialect of t's database.
func (t Target) Dialect() Dialect {
	if t.URL != "" {
		return Postgres
	}
	return SQLite
}

// SchemaName is the PostgreSQL schema of a service: its name with every
// character that is not a letter, digit or '_' as '_' (order-svc: order_svc).
func SchemaName(service string) string {
	return strings.ToLower(nonWord.ReplaceAllString(service, "_"))
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9_]`)

// Pair is a service's database (sqlitedb.Pair: the writer and a read pool)
// and its dialect, for the few statements that differ.
type Pair struct {
	sqlitedb.Pair
	Dialect Dialect
}

// OpenPair opens t's database and applies the schemas' pending migrations:
// SQLite exactly as sqlitedb.OpenPair, PostgreSQL as openPostgres.
func OpenPair(ctx context.Context, t Target, schemas ...sqlitedb.Schema) (Pair, error) {
	if t.Dialect() == SQLite {
		p, err := sqlitedb.OpenPair(ctx, t.Path, schemas...)
		return Pair{Pair: p, Dialect: SQLite}, err
	}
	if t.Schema == "" {
		return Pair{}, fmt.Errorf("open PostgreSQL: no schema named for the service's tables")
	}
	p, err := openPostgres(ctx, t.URL, t.Schema, schemas)
	return Pair{Pair: p, Dialect: Postgres}, err
}

// DialectOf is the dialect of a database OpenPair opened, from its driver: the
// outbox relay asks it, so the services' wiring stays as it was.
func DialectOf(db *sql.DB) Dialect {
	if _, ok := db.Driver().(pgDriver); ok {
		return Postgres
	}
	return SQLite
}

// For is service's Target: PostgreSQL at url, in the service's schema, when
// url is set (DATABASE_URL), else the SQLite file at path (DB_PATH).
func For(service, path, url string) Target {
	return Target{Path: path, URL: url, Schema: SchemaName(service)}
}
