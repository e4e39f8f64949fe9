package inbox_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/sqlitedb"
)

func TestClaimOnce(t *testing.T) { dbtest.ForEach(t, testClaimOnce) }

func testClaimOnce(t *testing.T, d database.Dialect) {
	ctx := context.Background()
	db := dbtest.Open(t, d, inbox.Schema).DB

	claim := func(id string) bool {
		t.Helper()
		var first bool
		if err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
			var err error
			first, err = inbox.Claim(ctx, tx, id, "OrderPlaced")
			return err
		}); err != nil {
			t.Fatalf("claim %s: %v", id, err)
		}
		return first
	}
	const a, b = "5c9a2f0e-0000-4000-8000-00000000000a", "5c9a2f0e-0000-4000-8000-00000000000b"
	if !claim(a) {
		t.Fatal("first claim of a = false, want true")
	}
	if claim(a) {
		t.Fatal("second claim of a = true, want false (already processed)")
	}
	if !claim(b) {
		t.Fatal("first claim of b = false, want true")
	}

	// A claim in a transaction that rolls back leaves no trace: the event is
	// processed again on redelivery.
	const c = "5c9a2f0e-0000-4000-8000-00000000000c"
	_ = sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
		if ok, err := inbox.Claim(ctx, tx, c, "OrderPlaced"); err != nil || !ok {
			t.Fatalf("claim c in the rolled-back tx = %v, %v", ok, err)
		}
		return sql.ErrTxDone // any error rolls back
	})
	if !claim(c) {
		t.Fatal("claim of c after a rollback = false, want true")
	}

	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM processed_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("processed_events has %d rows, want 3", n)
	}
}
