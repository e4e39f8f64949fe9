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

	"github.com/orderflow/inventory-svc/internal/listen"
	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

const orderID = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11"

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

type relay struct{ n int }

func (r *relay) Notify() { r.n++ }

// fixture is inventory-svc's consumer as the service wires it: the
// processor (inbox claim, handler, outbox in one transaction) on a fresh store.
type fixture struct {
	t     *testing.T
	st    *store.Store
	proc  *consume.Processor
	relay *relay
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &relay{}
	return &fixture{t: t, st: st, relay: r, proc: &consume.Processor{
		DB:     st.DB,
		Routes: (&listen.Handler{Now: func() time.Time { return t0.Add(time.Second) }}).Routes(),
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: r},
	}}
}

// delivered is p as the consumer hands it over: encoded, then decoded and
// validated by events.Decode.
func delivered(t *testing.T, p events.Payload) (events.Envelope, events.Payload) {
	t.Helper()
	env, err := events.New(orderID, t0, p)
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

// handle delivers p and returns the events the handler put in the outbox.
func (f *fixture) handle(p events.Payload) ([]events.Envelope, []events.Payload, error) {
	f.t.Helper()
	env, payload := delivered(f.t, p)
	return f.handleEnv(env, payload)
}

func (f *fixture) handleEnv(env events.Envelope, payload events.Payload) ([]events.Envelope, []events.Payload, error) {
	f.t.Helper()
	before := f.outboxed()
	err := f.proc.HandleOne(context.Background(), env, payload)
	var envs []events.Envelope
	var payloads []events.Payload
	for _, raw := range f.outboxedRaw()[before:] {
		e, p, derr := events.Decode(raw)
		if derr != nil {
			f.t.Fatalf("outbox row does not decode: %v", derr)
		}
		envs, payloads = append(envs, e), append(payloads, p)
	}
	return envs, payloads, err
}

func (f *fixture) outboxedRaw() [][]byte {
	f.t.Helper()
	rows, err := f.st.DB.Query(`SELECT payload FROM outbox ORDER BY seq`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func (f *fixture) outboxed() int { return len(f.outboxedRaw()) }

// row is the order's reservation; Status "" when there is none.
func (f *fixture) row() stock.Reservation {
	f.t.Helper()
	rs, err := f.st.Reservations(context.Background(), store.ReservationFilter{OrderID: orderID, Limit: 10})
	if err != nil || len(rs) > 1 {
		f.t.Fatalf("reservations of the order = %+v, %v", rs, err)
	}
	if len(rs) == 0 {
		return stock.Reservation{}
	}
	return rs[0]
}

func (f *fixture) reserved(sku string) int {
	f.t.Helper()
	items, err := f.st.Items(context.Background(), sku)
	if err != nil {
		f.t.Fatal(err)
	}
	return items[sku].Reserved
}

func (f *fixture) processed() int {
	f.t.Helper()
	var n int
	if err := f.st.DB.QueryRow(`SELECT COUNT(*) FROM processed_events`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func placed(lines ...stock.Line) events.OrderPlaced {
	return events.OrderPlaced{OrderID: orderID, CustomerID: "c-1", Items: lines, PlacedAt: t0}
}

func cancelled(reason string) events.OrderCancelled {
	return events.OrderCancelled{OrderID: orderID, CustomerID: "c-1", Reason: reason, CancelledAt: t0}
}

func declined(reservationID string) events.PaymentDeclined {
	return events.PaymentDeclined{OrderID: orderID, CustomerID: "c-1", ReservationID: reservationID,
		Reason: "12000 cents over the remaining credit of 0", AmountCents: 12000, Currency: "EUR"}
}

// anyReservationID is a decline's reservation id where the order has none.
const anyReservationID = "9d0f0e1c-0000-4000-8000-000000000001"

func declinedFor(r stock.Reservation) events.PaymentDeclined {
	if r.ID == "" {
		return declined(anyReservationID)
	}
	return declined(r.ID)
}
