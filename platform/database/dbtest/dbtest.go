// Package dbtest runs a store test on both databases: SQLite in a temporary
// file, and PostgreSQL in a fresh schema of TEST_DATABASE_URL (dropped when
// the test ends). Without TEST_DATABASE_URL the PostgreSQL run is skipped
// with the reason, or fails when REQUIRE_POSTGRES=1 (CI, after
// scripts/postgres.sh start).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/pgurl"
	"github.com/orderflow/platform/sqlitedb"
)

// Dialects are the databases every store test runs on.
var Dialects = []database.Dialect{database.SQLite, database.Postgres}

// ForEach runs fn as one subtest per dialect, named after it.
func ForEach(t *testing.T, fn func(t *testing.T, d database.Dialect)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

// URL is the PostgreSQL server of the tests, or "" after skipping t (or
// failing it under REQUIRE_POSTGRES=1) when there is none.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			t.Fatal("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is empty: start one with `scripts/postgres.sh start` and export TEST_DATABASE_URL=$(scripts/postgres.sh url)")
		}
		t.Skip("PostgreSQL run skipped: TEST_DATABASE_URL is empty (scripts/postgres.sh start; export TEST_DATABASE_URL=$(scripts/postgres.sh url))")
	}
	return url
}

// Target is a fresh, empty database of dialect d for t: a file in t's
// temporary directory, or a new schema (named t_<random>) dropped at the end.
// Two OpenPair calls on one Target are two replicas of one service.
func Target(t testing.TB, d database.Dialect) database.Target {
	t.Helper()
	if d == database.SQLite {
		return database.Target{Path: filepath.Join(t.TempDir(), "store.db")}
	}
	url := URL(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	t.Cleanup(func() { dropSchema(t, url, schema) })
	return database.Target{URL: url, Schema: schema}
}

func dropSchema(t testing.TB, url, schema string) {
	cfg, err := pgurl.Parse(url)
	if err != nil {
		t.Errorf("drop test schema %s: %v", schema, err)
		return
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Errorf("drop test schema %s: %v", schema, err)
	}
}

// OpenPair opens (and migrates) target's database, closed when t ends.
func OpenPair(t testing.TB, target database.Target, schemas ...sqlitedb.Schema) database.Pair {
	t.Helper()
	p, err := database.OpenPair(context.Background(), target, schemas...)
	if err != nil {
		t.Fatalf("open the %s store: %v", target.Dialect(), err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Open is OpenPair on a fresh Target of dialect d.
func Open(t testing.TB, d database.Dialect, schemas ...sqlitedb.Schema) database.Pair {
	t.Helper()
	return OpenPair(t, Target(t, d), schemas...)
}

// SameHistory fails t unless every schema has the same migrations on both
// stores (database.HistoryDiff).
func SameHistory(t testing.TB, schemas ...sqlitedb.Schema) {
	t.Helper()
	for _, s := range schemas {
		d, err := database.HistoryDiff(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range d {
			t.Errorf("schema %s: %s", s.Name, line)
		}
	}
}
