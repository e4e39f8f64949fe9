package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/store"
)

// TestRecordOncePerOrder: the first check is stored, a repeat with other
// lines gets the first verdict back and stores nothing.
func TestRecordOncePerOrder(t *testing.T) { dbtest.ForEach(t, testRecordOncePerOrder) }

func testRecordOncePerOrder(t *testing.T, d database.Dialect) {
	ctx := context.Background()
	st, err := store.OpenAt(ctx, dbtest.Target(t, d))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Get(ctx, "o1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get before any check: %v, want ErrNotFound", err)
	}
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	first := check.Check{OrderID: "o1", CustomerID: "c", ReservationID: "r", Units: 3, Verdict: check.Cleared, CheckedAt: at}
	repeat := first
	repeat.Units, repeat.Verdict, repeat.Reason = 99, check.Suspected, "99 units"
	for i, c := range []check.Check{first, repeat} {
		var got check.Check
		var created bool
		err := st.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			got, created, err = store.Record(ctx, tx, c)
			return err
		})
		if err != nil || created != (i == 0) || got.Verdict != check.Cleared || got.Units != 3 {
			t.Errorf("Record #%d = %+v, created %v, %v; want the first verdict, created only the first time", i+1, got, created, err)
		}
	}
	got, err := st.Get(ctx, "o1")
	if err != nil || got.Verdict != check.Cleared || !got.CheckedAt.Equal(at) || got.ReservationID != "r" {
		t.Errorf("Get = %+v, %v", got, err)
	}
}
