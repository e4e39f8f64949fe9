package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/sqlitedb"
)

var claims = sqlitedb.Schema{Name: "claims",
	FS:       fstest.MapFS{"00001_claims.sql": {Data: []byte("-- +goose Up\nCREATE TABLE claims (k TEXT NOT NULL, by TEXT NOT NULL);\n")}},
	Postgres: fstest.MapFS{"00001_claims.sql": {Data: []byte("-- +goose Up\nCREATE TABLE claims (k TEXT NOT NULL, by TEXT NOT NULL);\n")}},
}

// Two replicas each run "no claim on k yet, so claim it" for the same keys at
// once, with no constraint to stop them: the write skew SQLite's one writer
// never lets happen. Both stores end with one claim per key (PostgreSQL
// through SERIALIZABLE and sqlitedb.InTx running the loser again).
func TestReadThenWriteStaysSerial(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		const keys = 100
		target := dbtest.Target(t, d)
		replicas := []*sql.DB{dbtest.OpenPair(t, target, claims).DB, dbtest.OpenPair(t, target, claims).DB}
		var wg sync.WaitGroup
		for i, db := range replicas {
			wg.Go(func() {
				for k := range keys {
					if err := claimOnce(db, fmt.Sprint(k), fmt.Sprint(i)); err != nil {
						t.Errorf("claim %d: %v", k, err)
					}
				}
			})
		}
		wg.Wait()
		var rows, distinct int
		if err := replicas[0].QueryRow(`SELECT COUNT(*), COUNT(DISTINCT k) FROM claims`).Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		t.Logf("n=%d keys claimed by 2 replicas at once: %d claims, %d keys", keys, rows, distinct)
		if rows != keys || distinct != keys {
			t.Fatalf("%d claims of %d keys, want one per key", rows, distinct)
		}
	})
}

func claimOnce(db *sql.DB, k, by string) error {
	ctx := context.Background()
	return sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE k = ?`, k).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO claims(k, by) VALUES (?, ?)`, k, by)
		return err
	})
}
