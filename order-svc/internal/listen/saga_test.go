package listen_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/listen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

const (
	resID = "9d0f0e1c-0000-4000-8000-000000000001"
	invID = "7c1e2d3f-0000-4000-8000-000000000002"
)

type nopRelay struct{}

func (nopRelay) Notify() {}

// sagaRig is order-svc's consumer over a fresh database, with an outbox.
type sagaRig struct {
	st *store.Store
	p  *consume.Processor
}

func newRig(t *testing.T) sagaRig {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "orders.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := t0
	now := func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	w := &outbox.Writer{Topic: "orders.v1", Propagator: propagation.TraceContext{}, Relay: nopRelay{}}
	return sagaRig{st: st, p: &consume.Processor{DB: st.DB, Routes: (&listen.Handler{Now: now}).Routes(), Outbox: w}}
}

func (r sagaRig) place(t *testing.T, change func(o *order.Order)) {
	t.Helper()
	o := order.New(orderID, order.Draft{CustomerID: "c-1", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", t0)
	if change != nil {
		change(&o)
	}
	if err := r.st.InTx(context.Background(), func(tx *sql.Tx) error { return store.Insert(context.Background(), tx, o) }); err != nil {
		t.Fatal(err)
	}
}

// deliver hands p over as the consumer would and returns the Processor's error.
func (r sagaRig) deliver(t *testing.T, p events.Payload) error {
	t.Helper()
	env, payload := delivered(t, orderID, p)
	return r.p.HandleOne(context.Background(), env, payload)
}

func (r sagaRig) must(t *testing.T, ps ...events.Payload) {
	t.Helper()
	for _, p := range ps {
		if err := r.deliver(t, p); err != nil {
			t.Fatalf("%s: %v", p.EventType(), err)
		}
	}
}

func (r sagaRig) order(t *testing.T) order.Order {
	t.Helper()
	o, err := r.st.Get(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// outboxed lists the emitted events: type and reason.
func (r sagaRig) outboxed(t *testing.T) []events.OrderCancelled {
	t.Helper()
	rows, err := r.st.DB.Query(`SELECT payload FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []events.OrderCancelled
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		_, p, err := events.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *p.(*events.OrderCancelled))
	}
	return out
}

func steps(o order.Order) []string {
	var out []string
	for _, s := range o.Timeline() {
		out = append(out, s.Step)
	}
	return out
}

var (
	reservedEv = events.StockReserved{OrderID: orderID, ReservationID: resID, CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}}
	invoicedEv = events.InvoiceIssued{OrderID: orderID, InvoiceID: invID, TotalCents: 1890, Currency: "EUR"}
	declinedEv = events.PaymentDeclined{OrderID: orderID, CustomerID: "c-1", ReservationID: resID, Reason: "1890 cents over the remaining credit of 0", AmountCents: 1890, Currency: "EUR"}
	releasedPD = events.StockReleased{OrderID: orderID, ReservationID: resID, Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, Reason: events.ReasonPaymentDeclined, Detail: "1890 cents over the remaining credit of 0"}
	releasedDL = events.StockReleased{OrderID: orderID, ReservationID: resID, Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, Reason: events.ReasonDeadline}
	voidedEv   = events.InvoiceVoided{OrderID: orderID, InvoiceID: invID, Reason: events.ReasonDeadline, RefundedCents: 1890, Currency: "EUR"}
)

// A declined payment ends the order FAILED once the release is known, in
// either order of arrival (PaymentDeclined on invoicing.v1, StockReleased on
// inventory.v1).
func TestDeclinedThenReleasedFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order []events.Payload
		steps []string
	}{
		{"declined, then released", []events.Payload{reservedEv, declinedEv, releasedPD}, []string{"placed", "reserved", "declined", "released", "failed"}},
		{"released before the decline", []events.Payload{reservedEv, releasedPD, declinedEv}, []string{"placed", "reserved", "released", "failed", "declined"}},
		{"decline before the reservation", []events.Payload{declinedEv, reservedEv, releasedPD}, []string{"placed", "declined", "reserved", "released", "failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.place(t, nil)
			r.must(t, tc.order...)
			o := r.order(t)
			if o.Status != order.Failed || o.Reason != "payment declined: 1890 cents over the remaining credit of 0" || o.ReservationID != resID {
				t.Fatalf("order = %s %q (reservation %q), want FAILED with the decline's detail", o.Status, o.Reason, o.ReservationID)
			}
			if got := steps(o); !slices.Equal(got, tc.steps) {
				t.Fatalf("timeline %v, want %v", got, tc.steps)
			}
			if n := len(r.outboxed(t)); n != 0 {
				t.Fatalf("emitted %d events; a decline emits none from order-svc", n)
			}
		})
	}
}

// The compensations of a cancellation are steps of the cancelled order.
func TestCompensationsOfACancelledOrder(t *testing.T) {
	r := newRig(t)
	r.place(t, func(o *order.Order) { _, _ = o.Cancel(events.ReasonDeadline, t0.Add(500*time.Microsecond)) })
	r.must(t, reservedEv, invoicedEv, releasedDL, voidedEv)
	o := r.order(t)
	if o.Status != order.Cancelled || o.Reason != events.ReasonDeadline || o.InvoiceID != invID {
		t.Fatalf("order = %+v, want CANCELLED (deadline) with the late invoice's id", o)
	}
	if got, want := steps(o), []string{"placed", "cancelled", "reserved", "invoiced", "released", "voided"}; !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
}

// A contradiction is dead-lettered (events.ErrInvalid) and changes nothing.
func TestContradictionsAreDeadLettered(t *testing.T) {
	for _, p := range []events.Payload{declinedEv, releasedPD, releasedDL, voidedEv} {
		t.Run(describe(p), func(t *testing.T) {
			r := newRig(t)
			r.place(t, nil)
			r.must(t, reservedEv, invoicedEv)
			before := r.order(t)
			if err := r.deliver(t, p); !errors.Is(err, events.ErrInvalid) {
				t.Fatalf("%s on a CONFIRMED order: err = %v, want ErrInvalid (dead letter)", p.EventType(), err)
			}
			if after := r.order(t); after.Status != order.Confirmed || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Fatalf("order changed: %+v", after)
			}
		})
	}
}

// A reservation or an invoice for an order order-svc never had is
// compensated: a CANCELLED (unknown_order) row and one OrderCancelled, in
// either order of arrival, however often delivered.
func TestUnknownOrderIsCancelled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first events.Payload
		then  events.Payload
	}{
		{"reservation first", reservedEv, invoicedEv},
		{"invoice first", invoicedEv, reservedEv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			env, payload := delivered(t, orderID, tc.first)
			for range 2 { // a redelivery (same event id) changes nothing
				if err := r.p.HandleOne(context.Background(), env, payload); err != nil {
					t.Fatal(err)
				}
			}
			r.must(t, tc.then)
			o := r.order(t)
			if o.Status != order.Cancelled || o.Reason != events.ReasonUnknownOrder || o.ReservationID != resID || o.InvoiceID != invID {
				t.Fatalf("order = %+v, want CANCELLED (unknown_order) knowing the reservation and the invoice", o)
			}
			got := r.outboxed(t)
			if len(got) != 1 || got[0].OrderID != orderID || got[0].Reason != events.ReasonUnknownOrder {
				t.Fatalf("outbox = %+v, want one OrderCancelled(unknown_order)", got)
			}
			if _, isRes := tc.first.(events.StockReserved); isRes && got[0].CustomerID != "c-1" {
				t.Errorf("OrderCancelled customer = %q, want the reservation's c-1", got[0].CustomerID)
			}
		})
	}
}

// Steps that hold nothing (a rejection, a decline, a compensation) for an
// unknown order are skipped: no row, nothing emitted, no dead letter.
func TestUnknownOrderOtherStepsAreSkipped(t *testing.T) {
	for _, p := range []events.Payload{events.StockRejected{OrderID: orderID, Reason: "short"}, declinedEv, releasedPD, releasedDL, voidedEv} {
		t.Run(describe(p), func(t *testing.T) {
			r := newRig(t)
			if err := r.deliver(t, p); err != nil {
				t.Fatalf("err = %v, want nil (skipped)", err)
			}
			if _, err := r.st.Get(context.Background(), orderID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a row was written (%v)", err)
			}
			if n := len(r.outboxed(t)); n != 0 {
				t.Fatalf("emitted %d events", n)
			}
		})
	}
}

// describe names a payload for a subtest: its type, and a release's reason.
func describe(p events.Payload) string {
	if r, ok := p.(events.StockReleased); ok {
		return p.EventType() + "(" + r.Reason + ")"
	}
	return p.EventType()
}
