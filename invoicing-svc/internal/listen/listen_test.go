package listen_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// plenty is a credit no test charge comes near (as DEFAULT_CREDIT_LIMIT_CENTS).
const plenty = 100_000_000_000

type countingRelay struct{ n int }

func (r *countingRelay) Notify() { r.n++ }

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

// counts is what a handled event could have changed: invoices, inbox rows
// and outbox rows.
func counts(t *testing.T, st *store.Store) [3]int {
	t.Helper()
	var c [3]int
	for i, table := range []string{"invoices", "processed_events", "outbox"} {
		if err := st.DB.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&c[i]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestStockMovementsAreSkipped: inventory-svc's stock movements share
// inventory.v1 with StockReserved. invoicing-svc must skip them — no error
// (which would be retried or dead-lettered), nothing stored, nothing published.
func TestStockMovementsAreSkipped(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "invoicing.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	relay := &countingRelay{}
	h := &consume.Processor{
		DB:     st.DB,
		Routes: (&listen.Handler{Now: func() time.Time { return t0 }, Ledger: store.Ledger{DefaultLimitCents: plenty}}).Routes(),
		Outbox: &outbox.Writer{Topic: events.TopicInvoicing, Propagator: propagation.TraceContext{}, Relay: relay},
	}

	for _, p := range []events.Payload{
		events.StockReceived{MovementID: "3a7e9c10-0000-4000-8000-000000000003", SKU: "SKU-002", Quantity: 12, OnHandAfter: 20012},
		events.StockAdjusted{MovementID: "3a7e9c10-0000-4000-8000-000000000004", SKU: "SKU-002", Delta: 5, Reason: "count found 5 more", Reference: "CNT-9", OnHandAfter: 20017},
	} {
		t.Run(p.EventType(), func(t *testing.T) {
			env, payload := delivered(t, "SKU-002", p)
			if err := h.HandleOne(ctx, env, payload); err != nil {
				t.Fatalf("Handle(%s) = %v, want nil (skipped)", env.Type, err)
			}
			if c := counts(t, st); c != [3]int{} || relay.n != 0 {
				t.Fatalf("after %s: invoices, inbox, outbox = %v and %d relay wake-ups, want nothing", env.Type, c, relay.n)
			}
		})
	}

	// The same handler still invoices a reservation.
	const orderID = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11"
	env, payload := delivered(t, orderID, events.StockReserved{OrderID: orderID, ReservationID: "9d0f0e1c-0000-4000-8000-000000000001", CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-002", Qty: 1}}})
	if err := h.HandleOne(ctx, env, payload); err != nil {
		t.Fatal(err)
	}
	if c := counts(t, st); c != [3]int{1, 1, 1} || relay.n != 1 {
		t.Fatalf("after StockReserved: invoices, inbox, outbox = %v, %d wake-ups; want [1 1 1], 1", c, relay.n)
	}
}
