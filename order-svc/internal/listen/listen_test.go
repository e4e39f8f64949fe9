package listen_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/listen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

const orderID = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11"

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// delivered is p as the consumer hands it over: encoded, then decoded and
// validated by events.Decode. A decode error here would dead-letter it.
func delivered(t *testing.T, key string, p events.Payload) (events.Envelope, events.Payload) {
	t.Helper()
	env, err := events.New(key, t0, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	env, got, err := events.Decode(b)
	if err != nil {
		t.Fatalf("Decode %s: %v (the consumer would dead-letter it)", env.Type, err)
	}
	return env, got
}

func processed(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRow(`SELECT COUNT(*) FROM processed_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStockMovementsAreSkipped: inventory-svc's stock movements share
// inventory.v1 with the stock answers. They concern no order, so order-svc
// must skip them — no error (which would be retried or, wrapping
// events.ErrInvalid, dead-lettered), no order change, no inbox row.
func TestStockMovementsAreSkipped(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "orders.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := order.New(orderID, order.Draft{CustomerID: "c-1", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", t0)
	if err := st.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) }); err != nil {
		t.Fatal(err)
	}
	before, err := st.Get(ctx, orderID)
	if err != nil {
		t.Fatal(err)
	}
	h := &consume.Processor{DB: st.DB, Routes: (&listen.Handler{Now: func() time.Time { return t0.Add(time.Second) }}).Routes()}

	for _, p := range []events.Payload{
		events.StockReceived{MovementID: "3a7e9c10-0000-4000-8000-000000000003", SKU: "SKU-001", Quantity: 40, Reference: "DN-1", OnHandAfter: 100040},
		events.StockAdjusted{MovementID: "3a7e9c10-0000-4000-8000-000000000004", SKU: "SKU-001", Delta: -3, Reason: "broken", OnHandAfter: 100037},
	} {
		t.Run(p.EventType(), func(t *testing.T) {
			env, payload := delivered(t, "SKU-001", p)
			if err := h.HandleOne(ctx, env, payload); err != nil {
				t.Fatalf("Handle(%s) = %v, want nil (skipped)", env.Type, err)
			}
			after, err := st.Get(ctx, orderID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Fatalf("order changed: %+v → %+v", before, after)
			}
			if n := processed(t, st); n != 0 {
				t.Fatalf("processed_events holds %d rows, want 0", n)
			}
		})
	}

	// The same handler still applies the order's own events.
	env, payload := delivered(t, orderID, events.StockReserved{OrderID: orderID, ReservationID: "9d0f0e1c-0000-4000-8000-000000000001", CustomerID: "c-1", Items: o.Items})
	if err := h.HandleOne(ctx, env, payload); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Get(ctx, orderID); got.Status != order.Reserved || processed(t, st) != 1 {
		t.Fatalf("after StockReserved: status %s, %d processed, want RESERVED and 1", got.Status, processed(t, st))
	}
}
