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

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// open is a fresh store on d (platform/database/dbtest).
func open(t *testing.T, d database.Dialect) *store.Store {
	t.Helper()
	st, err := store.OpenAt(context.Background(), dbtest.Target(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func reserve(t *testing.T, st *store.Store, orderID string, lines ...stock.Line) (stock.Reservation, bool, error) {
	t.Helper()
	var r stock.Reservation
	var created bool
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		r, created, err = store.Reserve(context.Background(), tx, orderID, lines, t0)
		return err
	})
	return r, created, err
}

func release(t *testing.T, st *store.Store, id string, at time.Time) (stock.Reservation, error) {
	t.Helper()
	var r stock.Reservation
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		r, err = store.Release(context.Background(), tx, id, at)
		return err
	})
	return r, err
}

// reserved returns the reserved quantity per SKU.
func reserved(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	items, err := st.Items(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for sku, it := range items {
		out[sku] = it.Reserved
	}
	return out
}

func TestOpenSeedsOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		target := dbtest.Target(t, d)
		st, err := store.OpenAt(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		items, _ := st.Items(context.Background())
		if len(items) != len(stock.Seed) || items["SKU-005"].OnHand != 3 || items["SKU-005"].Name == "" {
			t.Fatalf("seeded items = %+v", items)
		}
		if _, _, err := reserve(t, st, "a0000000-0000-4000-8000-000000000001", stock.Line{SKU: "SKU-005", Qty: 2}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st, err = store.OpenAt(context.Background(), target) // reopening must not reset the stock
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if got := reserved(t, st)["SKU-005"]; got != 2 {
			t.Fatalf("after reopening SKU-005 reserved = %d, want 2", got)
		}
		one, err := st.Items(context.Background(), "SKU-001")
		if err != nil || len(one) != 1 || one["SKU-001"].OnHand != 100000 {
			t.Fatalf("Items(SKU-001) = %+v, %v", one, err)
		}
	})
}

func TestReserve(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		const order1 = "a0000000-0000-4000-8000-000000000001"
		lines := []stock.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-005", Qty: 3}}
		r, created, err := reserve(t, st, order1, lines...)
		if err != nil || !created {
			t.Fatalf("Reserve = %v, created=%v", err, created)
		}
		if r.ID == "" || r.OrderID != order1 || r.Status != stock.StatusReserved || !reflect.DeepEqual(r.Lines, lines) || !r.CreatedAt.Equal(t0) {
			t.Fatalf("reservation = %+v", r)
		}
		want := map[string]int{"SKU-001": 2, "SKU-002": 0, "SKU-003": 0, "SKU-004": 0, "SKU-005": 3, "SKU-404": 0}
		if got := reserved(t, st); !reflect.DeepEqual(got, want) {
			t.Fatalf("reserved = %v, want %v", got, want)
		}

		// Idempotent per order: the same order again returns the first reservation
		// and reserves nothing more, even with other lines.
		again, created, err := reserve(t, st, order1, stock.Line{SKU: "SKU-002", Qty: 9})
		if err != nil || created || again.ID != r.ID || !reflect.DeepEqual(again.Lines, lines) {
			t.Fatalf("second Reserve = %+v created=%v err=%v, want the first reservation", again, created, err)
		}
		if got := reserved(t, st); !reflect.DeepEqual(got, want) {
			t.Fatalf("after the repeat reserved = %v, want unchanged %v", got, want)
		}
		if n, _ := st.ReservationCount(context.Background(), order1); n != 1 {
			t.Fatalf("reservations of the order = %d, want 1", n)
		}

		stored, err := st.Reservation(context.Background(), r.ID)
		if err != nil || stored.ID != r.ID || stored.OrderID != order1 || !reflect.DeepEqual(stored.Lines, lines) || !stored.CreatedAt.Equal(t0) {
			t.Fatalf("Reservation(%s) = %+v, %v", r.ID, stored, err)
		}
	})
}

func TestReserveShortageChangesNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		before := reserved(t, st)
		tests := []struct {
			name  string
			lines []stock.Line
			sku   string
		}{
			{"second line short", []stock.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-005", Qty: 5}}, "SKU-005"},
			{"sold out", []stock.Line{{SKU: "SKU-002", Qty: 1}, {SKU: "SKU-404", Qty: 1}}, "SKU-404"},
			{"not stocked", []stock.Line{{SKU: "SKU-003", Qty: 1}, {SKU: "NOPE-1", Qty: 1}}, "NOPE-1"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				orderID := []string{"b0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002", "b0000000-0000-4000-8000-000000000003"}[i]
				_, created, err := reserve(t, st, orderID, tt.lines...)
				var short *stock.InsufficientError
				if !errors.As(err, &short) || short.SKU != tt.sku || created {
					t.Fatalf("Reserve = %v (created %v), want InsufficientError for %s", err, created, tt.sku)
				}
				if got := reserved(t, st); !reflect.DeepEqual(got, before) {
					t.Fatalf("a refused reservation changed the stock: %v, was %v", got, before)
				}
				if n, _ := st.ReservationCount(context.Background(), orderID); n != 0 {
					t.Fatalf("a refused reservation was stored")
				}
			})
		}
		// The last units can still be reserved afterwards.
		if _, _, err := reserve(t, st, "b0000000-0000-4000-8000-000000000009", stock.Line{SKU: "SKU-005", Qty: 3}); err != nil {
			t.Fatalf("reserving the last 3 of SKU-005: %v", err)
		}
		if _, _, err := reserve(t, st, "b0000000-0000-4000-8000-00000000000a", stock.Line{SKU: "SKU-005", Qty: 1}); err == nil {
			t.Fatal("reserved a 4th SKU-005 out of 3")
		}
	})
}

func TestReleaseTwice(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		r, _, err := reserve(t, st, "c0000000-0000-4000-8000-000000000001", stock.Line{SKU: "SKU-004", Qty: 40}, stock.Line{SKU: "SKU-005", Qty: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := reserved(t, st); got["SKU-004"] != 40 || got["SKU-005"] != 2 {
			t.Fatalf("reserved = %v", got)
		}

		rel, err := release(t, st, r.ID, t0.Add(time.Second))
		if err != nil || rel.Status != stock.StatusReleased || !rel.ReleasedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("Release = %+v, %v", rel, err)
		}
		if got := reserved(t, st); got["SKU-004"] != 0 || got["SKU-005"] != 0 {
			t.Fatalf("after release reserved = %v, want 0", got)
		}

		again, err := release(t, st, r.ID, t0.Add(time.Minute))
		if err != nil || again.Status != stock.StatusReleased || !again.ReleasedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("second Release = %+v, %v; want the first release unchanged", again, err)
		}
		if got := reserved(t, st); got["SKU-004"] != 0 || got["SKU-005"] != 0 {
			t.Fatalf("after the second release reserved = %v, want still 0 (stock given back once)", got)
		}
		stored, _ := st.Reservation(context.Background(), r.ID)
		if stored.Status != stock.StatusReleased || !stored.ReleasedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("stored reservation = %+v", stored)
		}

		// The released stock is available again: all 3 of SKU-005 can be reserved.
		if _, _, err := reserve(t, st, "c0000000-0000-4000-8000-000000000002", stock.Line{SKU: "SKU-005", Qty: 3}); err != nil {
			t.Fatalf("reserving released stock: %v", err)
		}
	})
}

func TestReleaseUnknown(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		if _, err := release(t, st, "d0000000-0000-4000-8000-000000000001", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Release(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := st.Reservation(context.Background(), "d0000000-0000-4000-8000-000000000001"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Reservation(unknown) = %v, want ErrNotFound", err)
		}
	})
}
