package database_test

import (
	"context"
	"database/sql"
	"testing"
	"testing/fstest"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/sqlitedb"
)

var counters = sqlitedb.Schema{Name: "counters",
	FS:       fstest.MapFS{"00001_counters.sql": {Data: []byte("-- +goose Up\nCREATE TABLE counters (k TEXT PRIMARY KEY, v INTEGER NOT NULL);\nINSERT INTO counters VALUES ('x', 0);\n")}},
	Postgres: fstest.MapFS{"00001_counters.sql": {Data: []byte("-- +goose Up\nCREATE TABLE counters (k TEXT PRIMARY KEY, v INTEGER NOT NULL);\nINSERT INTO counters VALUES ('x', 0);\n")}},
}

// A transaction whose row another replica updated after it read is run
// again on PostgreSQL, and the rerun is counted under the function that ran
// it (db_serialization_retries_total{operation}); SQLite's one writer never
// reruns and has no count.
func TestRerunsAreCounted(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		target := dbtest.Target(t, d)
		db := dbtest.OpenPair(t, target, counters).DB
		other := dbtest.OpenPair(t, target, counters).DB
		runs := bumpOnce(t, db, other)
		reruns := database.RerunsOf(db)
		if d == database.SQLite {
			if runs != 1 || reruns != nil {
				t.Fatalf("SQLite: %d runs, reruns %v; want 1 run and no count", runs, reruns)
			}
			return
		}
		const op = "database_test.bumpOnce"
		t.Logf("n=1 conflicting update: %d runs, %d reruns counted under %s", runs, reruns.Count(op), op)
		if runs != 2 || reruns.Count(op) != 1 || reruns.Count("") != 1 {
			t.Fatalf("%d runs, %d reruns of %s (%d in all); want 2 runs and 1 rerun counted", runs, reruns.Count(op), op, reruns.Count(""))
		}
	})
}

// bumpOnce reads the counter, lets other update it on the first run only
// (PostgreSQL then fails the update with 40001), updates it, and returns how
// many times the transaction ran.
func bumpOnce(t *testing.T, db, other *sql.DB) int {
	ctx := context.Background()
	runs := 0
	err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
		runs++
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT v FROM counters WHERE k = 'x'`).Scan(&v); err != nil {
			return err
		}
		if runs == 1 && database.DialectOf(db) == database.Postgres {
			if _, err := other.ExecContext(ctx, `UPDATE counters SET v = v + 1 WHERE k = 'x'`); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE counters SET v = ? WHERE k = 'x'`, v+1)
		return err
	})
	if err != nil {
		t.Fatalf("bump: %v", err)
	}
	return runs
}
