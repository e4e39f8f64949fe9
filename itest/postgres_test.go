package itest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// stackDatabaseURL is the DATABASE_URL of one stack's services when the suite
// runs on PostgreSQL (ITEST_DATABASE_URL, e.g. $(scripts/postgres.sh url)),
// else "" (SQLite files, the default). Each stack gets a database of its own,
// dropped when its test ends, where its services keep their schemas as in a
// deployment: stacks do not see each other's orders.
func stackDatabaseURL(t *testing.T) string {
	t.Helper()
	server := os.Getenv("ITEST_DATABASE_URL")
	if server == "" {
		return ""
	}
	admin := openPostgres(t, server)
	var b [5]byte
	_, _ = rand.Read(b[:])
	name := "itest_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create the stack's database on ITEST_DATABASE_URL (its role needs CREATEDB): %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("drop the stack's database %s: %v", name, err)
		}
	})
	t.Logf("stack database: %s on ITEST_DATABASE_URL", name)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("ITEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func openPostgres(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("ITEST_DATABASE_URL: %v", err)
	}
	return sql.OpenDB(stdlib.GetConnector(*cfg))
}
