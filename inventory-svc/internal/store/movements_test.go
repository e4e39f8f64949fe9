package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

type moved struct {
	m       stock.Movement
	item    stock.Item
	created bool
}

func receive(t *testing.T, st *store.Store, sku string, qty int, ref string) (moved, error) {
	t.Helper()
	var r moved
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		r.m, r.item, r.created, err = store.Receive(context.Background(), tx, sku, qty, ref, t0)
		return err
	})
	return r, err
}

func adjust(t *testing.T, st *store.Store, sku string, delta int, ref string) (moved, error) {
	t.Helper()
	var r moved
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		r.m, r.item, r.created, err = store.Adjust(context.Background(), tx, sku, delta, "stock count", ref, t0.Add(time.Minute))
		return err
	})
	return r, err
}

func onHand(t *testing.T, st *store.Store, sku string) (onHand, reserved int) {
	t.Helper()
	items, err := st.Items(context.Background(), sku)
	if err != nil {
		t.Fatal(err)
	}
	return items[sku].OnHand, items[sku].Reserved
}

func TestReceive(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		r, err := receive(t, st, "SKU-005", 40, "DN-1")
		if err != nil || !r.created {
			t.Fatalf("Receive = %+v, %v", r, err)
		}
		m := r.m
		if m.ID == "" || m.SKU != "SKU-005" || m.Kind != stock.KindReceipt || m.Delta != 40 || m.Reference != "DN-1" || m.OnHandAfter != 43 || !m.CreatedAt.Equal(t0) {
			t.Fatalf("receipt = %+v", m)
		}
		if r.item.OnHand != 43 || r.item.Reserved != 0 || r.item.Name == "" {
			t.Fatalf("stock after the receipt = %+v", r.item)
		}

		// The same reference again: the first receipt, nothing booked — even
		// with another quantity (the reference, not the body, identifies it).
		again, err := receive(t, st, "SKU-005", 7, "DN-1")
		if err != nil || again.created || again.m != m || again.item.OnHand != 43 {
			t.Fatalf("repeated Receive = %+v, %v; want the first receipt, on_hand 43", again, err)
		}
		// A reference is per SKU and per kind; no reference is never deduplicated.
		if r, err := receive(t, st, "SKU-004", 1, "DN-1"); err != nil || !r.created {
			t.Fatalf("DN-1 on another SKU = %+v, %v; want a new receipt", r, err)
		}
		if r, err := adjust(t, st, "SKU-005", 1, "DN-1"); err != nil || !r.created {
			t.Fatalf("DN-1 as an adjustment = %+v, %v; want a new adjustment", r, err)
		}
		for range 2 {
			if r, err := receive(t, st, "SKU-005", 2, ""); err != nil || !r.created {
				t.Fatalf("Receive without reference = %+v, %v", r, err)
			}
		}
		if got, _ := onHand(t, st, "SKU-005"); got != 3+40+1+2+2 {
			t.Fatalf("on_hand = %d, want 48", got)
		}
		ms, err := st.Movements(context.Background(), "SKU-005")
		if err != nil || len(ms) != 4 || ms[0] != m {
			t.Fatalf("Movements(SKU-005) = %+v, %v; want 4, the first being %+v", ms, err, m)
		}
	})
}

func TestMovementOfUnknownSKU(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		if _, err := receive(t, st, "SKU-999", 1, "DN-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Receive(SKU-999) = %v, want ErrNotFound", err)
		}
		if _, err := adjust(t, st, "SKU-999", -1, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Adjust(SKU-999) = %v, want ErrNotFound", err)
		}
		if ms, err := st.Movements(context.Background(), "SKU-999"); err != nil || len(ms) != 0 {
			t.Fatalf("movements of an unknown SKU = %+v, %v", ms, err)
		}
	})
}

func TestAdjustNeverUndercutsReserved(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		// SKU-005: on_hand 3; reserve 1, so at most 2 can be removed.
		if _, _, err := reserve(t, st, "e0000000-0000-4000-8000-000000000001", stock.Line{SKU: "SKU-005", Qty: 1}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name          string
			sku           string
			delta         int
			ref           string
			wantOnHand    int
			wantRemovable int // >= 0: a RemovalError with this maximum
		}{
			{"one too many", "SKU-005", -3, "CNT-1", 3, 2},
			{"far too many", "SKU-005", -1_000_000, "", 3, 2},
			{"sold out, any removal", "SKU-404", -1, "", 0, 0},
			{"found more", "SKU-005", 2, "CNT-2", 5, -1},
			{"down to exactly the reserved", "SKU-005", -4, "CNT-3", 1, -1},
			{"then nothing more", "SKU-005", -1, "CNT-4", 1, 0},
			// A refused reference was not used: it may be used again.
			{"the refused reference, now feasible", "SKU-005", 1, "CNT-1", 2, -1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := adjust(t, st, tt.sku, tt.delta, tt.ref)
				var short *stock.RemovalError
				if tt.wantRemovable >= 0 {
					if !errors.As(err, &short) || short.MaxRemovable() != tt.wantRemovable || short.SKU != tt.sku || short.Delta != tt.delta {
						t.Fatalf("Adjust(%d) = %+v, %v; want a RemovalError allowing %d", tt.delta, r, err, tt.wantRemovable)
					}
				} else if err != nil || !r.created || r.m.OnHandAfter != tt.wantOnHand || r.m.Reason != "stock count" {
					t.Fatalf("Adjust(%d) = %+v, %v; want on_hand_after %d", tt.delta, r, err, tt.wantOnHand)
				}
				if got, _ := onHand(t, st, tt.sku); got != tt.wantOnHand {
					t.Fatalf("on_hand = %d, want %d", got, tt.wantOnHand)
				}
			})
		}
		// A repeated reference answers the first adjustment even when the same
		// change would be refused now: nothing is booked twice.
		again, err := adjust(t, st, "SKU-005", -4, "CNT-3")
		if err != nil || again.created || again.m.Delta != -4 || again.item.OnHand != 2 {
			t.Fatalf("repeated CNT-3 = %+v, %v; want the first adjustment and today's stock", again, err)
		}
	})
}
