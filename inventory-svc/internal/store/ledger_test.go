package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

func ledgerOf(t *testing.T, st *store.Store) map[string]stock.LedgerLine {
	t.Helper()
	lines, err := st.Ledger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]stock.LedgerLine{}
	for _, l := range lines {
		out[l.SKU] = l
	}
	return out
}

// TestLedger: after receipts, adjustments, reservations and releases every
// SKU's on_hand is its opening balance (the seed) plus its movements, and
// its reserved the sum of its RESERVED reservations.
func TestLedger(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		if got := ledgerOf(t, st); len(got) != len(stock.Seed) || got["SKU-005"] != (stock.LedgerLine{SKU: "SKU-005", OnHand: 3, Opening: 3}) {
			t.Fatalf("fresh ledger = %+v", got)
		}
		if _, err := receive(t, st, "SKU-005", 10, "DN-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := adjust(t, st, "SKU-005", -2, ""); err != nil {
			t.Fatal(err)
		}
		a, _, err := reserve(t, st, "f4000000-0000-4000-8000-000000000001", stock.Line{SKU: "SKU-005", Qty: 4}, stock.Line{SKU: "SKU-001", Qty: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := reserve(t, st, "f4000000-0000-4000-8000-000000000002", stock.Line{SKU: "SKU-005", Qty: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := release(t, st, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		// A rejection and a tombstone hold nothing.
		if _, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Reject(ctx, tx, "f4000000-0000-4000-8000-000000000003", []stock.Line{{SKU: "SKU-005", Qty: 99}}, "short", t0)
		}); err != nil {
			t.Fatal(err)
		}
		got := ledgerOf(t, st)
		want := stock.LedgerLine{SKU: "SKU-005", OnHand: 11, Reserved: 3, Opening: 3, Movements: 8, Held: 3}
		if got["SKU-005"] != want || !want.Agrees() || want.OnHandFromMovements() != 11 {
			t.Fatalf("SKU-005 ledger = %+v, want %+v", got["SKU-005"], want)
		}
		for sku, l := range got {
			if !l.Agrees() {
				t.Errorf("%s disagrees with its records: %+v", sku, l)
			}
		}
		// A change of the stock that bypassed the records shows.
		if _, err := st.DB.Exec(`UPDATE stock SET reserved = reserved + 1, on_hand = on_hand + 5 WHERE sku = 'SKU-001'`); err != nil {
			t.Fatal(err)
		}
		if l := ledgerOf(t, st)["SKU-001"]; l.Agrees() || l.OnHand != l.OnHandFromMovements()+5 || l.Reserved != l.Held+1 {
			t.Fatalf("SKU-001 after a change outside the records = %+v, want it to disagree", l)
		}
	})
}

// TestReservationsPaged: pages by id in a stable order, filtered by order
// and status, every row once.
func TestReservationsPaged(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		var held []string
		for i := range 5 {
			r, _, err := reserve(t, st, fmt.Sprintf("f5000000-0000-4000-8000-%012d", i), stock.Line{SKU: "SKU-001", Qty: 1})
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, r.ID)
		}
		released, err := release(t, st, held[2], t0.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		tomb, err := inTx(t, st, func(ctx context.Context, tx *sql.Tx) (stock.Reservation, error) {
			return store.Tombstone(ctx, tx, "f5000000-0000-4000-8000-000000000009", events.ReasonDeadline, t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		after, pages := "", 0
		for {
			page, err := st.Reservations(context.Background(), store.ReservationFilter{After: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			pages++
			for _, r := range page {
				if r.ID <= after || seen[r.ID] {
					t.Fatalf("page after %q holds %s out of order or twice", after, r.ID)
				}
				seen[r.ID], after = true, r.ID
			}
		}
		if len(seen) != 6 || pages != 3 {
			t.Fatalf("paged through %d reservations in %d pages, want 6 in 3", len(seen), pages)
		}
		byStatus := func(status, order string) []stock.Reservation {
			rs, err := st.Reservations(context.Background(), store.ReservationFilter{Status: status, OrderID: order, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		if rs := byStatus(stock.StatusReserved, ""); len(rs) != 4 {
			t.Fatalf("RESERVED = %d, want 4", len(rs))
		}
		if rs := byStatus(stock.StatusReleased, ""); len(rs) != 1 || rs[0].ID != released.ID || !rs[0].ReleasedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("RELEASED = %+v", rs)
		}
		if rs := byStatus(stock.StatusCancelled, ""); len(rs) != 1 || rs[0].ID != tomb.ID || rs[0].Reason != events.ReasonDeadline {
			t.Fatalf("CANCELLED = %+v", rs)
		}
		if rs := byStatus("", "f5000000-0000-4000-8000-000000000001"); len(rs) != 1 || rs[0].ID != held[1] {
			t.Fatalf("by order = %+v", rs)
		}
		if rs := byStatus(stock.StatusReleased, "f5000000-0000-4000-8000-000000000001"); len(rs) != 0 {
			t.Fatalf("RELEASED of a held order = %+v", rs)
		}
	})
}
