package store_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

func inTx[T any](t *testing.T, st *store.Store, f func(ctx context.Context, tx *sql.Tx) (T, error)) (T, error) {
	t.Helper()
	var out T
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = f(context.Background(), tx)
		return err
	})
	return out, err
}

func orderRow(t *testing.T, st *store.Store, orderID string) (stock.Reservation, error) {
	t.Helper()
	return inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
		return store.OrderReservation(ctx, tx, orderID)
	})
}

// TestReleaseHeld: a release for a cause gives the stock back in the same
// transaction as the status change and records the cause; a second one is
// refused (the caller decides on the state first).
func TestReleaseHeld(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		const order = "f1000000-0000-4000-8000-000000000001"
		r, _, err := reserve(t, st, order, stock.Line{SKU: "SKU-005", Qty: 2})
		if err != nil {
			t.Fatal(err)
		}
		cause := stock.ReleaseCause{Reason: events.ReasonPaymentDeclined, Detail: "over the credit limit"}
		rel, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.ReleaseHeld(ctx, tx, r, cause, t0.Add(time.Second))
		})
		if err != nil || rel.Status != stock.StatusReleased || rel.Reason != cause.Reason || rel.Detail != cause.Detail || !rel.ReleasedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("ReleaseHeld = %+v, %v", rel, err)
		}
		if got := reserved(t, st)["SKU-005"]; got != 0 {
			t.Fatalf("SKU-005 reserved = %d after the release, want 0", got)
		}
		stored, err := orderRow(t, st, order)
		if err != nil || !reflect.DeepEqual(stored, rel) {
			t.Fatalf("stored = %+v, %v; want %+v", stored, err, rel)
		}
		if _, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.ReleaseHeld(ctx, tx, stored, cause, t0)
		}); err == nil {
			t.Fatal("ReleaseHeld of a RELEASED reservation succeeded")
		}
		if got := reserved(t, st)["SKU-005"]; got != 0 {
			t.Fatalf("SKU-005 reserved = %d, want 0 (given back once)", got)
		}
	})
}

// TestTombstoneThenReject: a cancellation before the order was seen leaves a
// CANCELLED row holding nothing; the OrderPlaced that follows turns it
// REJECTED (reason cancelled) and reserves nothing.
func TestTombstoneThenReject(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		const order = "f2000000-0000-4000-8000-000000000001"
		before := reserved(t, st)
		tomb, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Tombstone(ctx, tx, order, events.ReasonUnknownOrder, t0)
		})
		if err != nil || tomb.Status != stock.StatusCancelled || tomb.Reason != events.ReasonUnknownOrder || len(tomb.Lines) != 0 {
			t.Fatalf("Tombstone = %+v, %v", tomb, err)
		}
		if got, err := orderRow(t, st, order); err != nil || !reflect.DeepEqual(got, tomb) {
			t.Fatalf("stored tombstone = %+v, %v; want %+v", got, err, tomb)
		}
		lines := []stock.Line{{SKU: "SKU-001", Qty: 7}}
		rej, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Reject(ctx, tx, order, lines, stock.ReasonCancelled, t0.Add(time.Second))
		})
		if err != nil || rej.ID != tomb.ID || rej.Status != stock.StatusRejected || rej.Reason != stock.ReasonCancelled || !reflect.DeepEqual(rej.Lines, lines) {
			t.Fatalf("Reject of the tombstone = %+v, %v", rej, err)
		}
		if got, err := orderRow(t, st, order); err != nil || !reflect.DeepEqual(got, rej) {
			t.Fatalf("stored = %+v, %v; want %+v", got, err, rej)
		}
		if got := reserved(t, st); !reflect.DeepEqual(got, before) {
			t.Fatalf("reserved %v → %v: a tombstone or a rejection held stock", before, got)
		}
		// A tombstone is one per order: a second is refused by the store.
		if _, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Tombstone(ctx, tx, order, events.ReasonCustomer, t0)
		}); err == nil {
			t.Fatal("a second row for the order was accepted")
		}
	})
}

func TestRejectNewAndHeld(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		const fresh, held = "f3000000-0000-4000-8000-000000000001", "f3000000-0000-4000-8000-000000000002"
		lines := []stock.Line{{SKU: "SKU-005", Qty: 5}}
		rej, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Reject(ctx, tx, fresh, lines, "SKU SKU-005: 5 requested, 3 available", t0)
		})
		if err != nil || rej.Status != stock.StatusRejected || rej.ID == "" || rej.Reason != "SKU SKU-005: 5 requested, 3 available" || !rej.CreatedAt.Equal(t0) {
			t.Fatalf("Reject = %+v, %v", rej, err)
		}
		if got, _ := orderRow(t, st, fresh); !reflect.DeepEqual(got, rej) {
			t.Fatalf("stored = %+v, want %+v", got, rej)
		}
		if _, _, err := reserve(t, st, held, stock.Line{SKU: "SKU-001", Qty: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Reject(ctx, tx, held, lines, "x", t0)
		}); err == nil {
			t.Fatal("Reject of a RESERVED order succeeded")
		}
		// The sync release of a row that holds nothing changes nothing.
		before := reserved(t, st)
		got, err := release(t, st, rej.ID, t0.Add(time.Minute))
		if err != nil || got.Status != stock.StatusRejected || !got.ReleasedAt.IsZero() || !reflect.DeepEqual(reserved(t, st), before) {
			t.Fatalf("Release of a REJECTED row = %+v, %v; reserved %v → %v", got, err, before, reserved(t, st))
		}
		if _, err := orderRow(t, st, "f3000000-0000-4000-8000-000000000009"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("OrderReservation(unknown) = %v, want ErrNotFound", err)
		}
	})
}
