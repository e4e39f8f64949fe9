package listen_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

const (
	sagaOrder   = "5e1d7c2a-0000-4000-8000-000000000001"
	reservation = "9d0f0e1c-0000-4000-8000-000000000009"
)

// sagaRig is one handler on a fresh database.
type sagaRig struct {
	t       *testing.T
	st      *store.Store
	p       *consume.Processor
	relay   *countingRelay
	decline bool // the payment provider's answer
}

func newSagaRig(t *testing.T) *sagaRig {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "invoicing.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &sagaRig{t: t, st: st, relay: &countingRelay{}}
	h := &listen.Handler{Now: func() time.Time { return t0 }, Ledger: store.Ledger{DefaultLimitCents: plenty, Decline: func() bool { return r.decline }}}
	r.p = &consume.Processor{DB: st.DB, Routes: h.Routes(), Outbox: &outbox.Writer{Topic: events.TopicInvoicing, Propagator: propagation.TraceContext{}, Relay: r.relay}}
	return r
}

// deliver hands p over as a fresh event (a new event id, as a second
// producer or a re-publication would) and returns what it emitted.
func (r *sagaRig) deliver(p events.Payload) []events.Envelope {
	r.t.Helper()
	env, payload := delivered(r.t, sagaOrder, p)
	return r.handle(env, payload)
}

func (r *sagaRig) handle(env events.Envelope, payload events.Payload) []events.Envelope {
	r.t.Helper()
	before := r.outbox()
	if err := r.p.HandleOne(context.Background(), env, payload); err != nil {
		r.t.Fatalf("Handle(%s) = %v", env.Type, err)
	}
	return r.outbox()[len(before):]
}

// outbox is every envelope the handler emitted so far, oldest first.
func (r *sagaRig) outbox() []events.Envelope {
	r.t.Helper()
	rows, err := r.st.DB.Query(`SELECT payload FROM outbox ORDER BY rowid`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var out []events.Envelope
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			r.t.Fatal(err)
		}
		var env events.Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, env)
	}
	return out
}

func (r *sagaRig) invoice() (invoice.Invoice, bool) {
	r.t.Helper()
	list, err := r.st.ByOrder(context.Background(), sagaOrder)
	if err != nil || len(list) > 1 {
		r.t.Fatalf("invoices of the order = %+v, %v", list, err)
	}
	if len(list) == 0 {
		return invoice.Invoice{}, false
	}
	return list[0], true
}

// state is the order's state as the database holds it: its invoice's
// status, a tombstone, or nothing.
func (r *sagaRig) state() invoice.State {
	r.t.Helper()
	if inv, has := r.invoice(); has {
		return invoice.State(inv.Status)
	}
	cancelled, err := r.st.Cancelled(context.Background(), sagaOrder)
	if err != nil {
		r.t.Fatal(err)
	}
	if cancelled {
		return invoice.StateCancelled
	}
	return invoice.StateNone
}

func (r *sagaRig) charged(customer string) int64 {
	r.t.Helper()
	c, err := r.st.Credit(context.Background(), customer, plenty)
	if err != nil {
		r.t.Fatal(err)
	}
	return c.ChargedCents
}

func reserved(customer string) events.StockReserved {
	return events.StockReserved{OrderID: sagaOrder, ReservationID: reservation, CustomerID: customer, Items: []events.Line{{SKU: "SKU-002", Qty: 2}}}
}

func cancelled(reason string) events.OrderCancelled {
	return events.OrderCancelled{OrderID: sagaOrder, CustomerID: "cust-ada", Reason: reason, CancelledAt: t0}
}

func decode[T any](t *testing.T, env events.Envelope) T {
	t.Helper()
	var p T
	if err := json.Unmarshal(env.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Each state of the design's table, reached through the handler itself.
var reach = map[invoice.State]func(r *sagaRig){
	invoice.StateNone:      func(*sagaRig) {},
	invoice.StateIssued:    func(r *sagaRig) { r.deliver(reserved("cust-ada")) },
	invoice.StateDeclined:  func(r *sagaRig) { r.deliver(reserved("cust-broke")) },
	invoice.StateVoided:    func(r *sagaRig) { r.deliver(reserved("cust-ada")); r.deliver(cancelled(events.ReasonDeadline)) },
	invoice.StateCancelled: func(r *sagaRig) { r.deliver(cancelled(events.ReasonCustomer)) },
}

// TestEveryStateAndMessage: one row per (state, message) cell of the
// design's table, through the consumer's processor: the next state, what is
// charged, and what is emitted — including the messages that come too late.
func TestEveryStateAndMessage(t *testing.T) {
	cells := []struct {
		state     invoice.State
		msg       events.Payload
		wantState invoice.State
		charged   int64  // cust-ada's charged credit after
		emits     string // the event type emitted, "" for none
	}{
		{invoice.StateNone, reserved("cust-ada"), invoice.StateIssued, 9800, events.TypeInvoiceIssued},
		{invoice.StateNone, cancelled(events.ReasonCustomer), invoice.StateCancelled, 0, ""},
		{invoice.StateIssued, reserved("cust-ada"), invoice.StateIssued, 9800, ""},
		{invoice.StateIssued, cancelled(events.ReasonDeadline), invoice.StateVoided, 0, events.TypeInvoiceVoided},
		{invoice.StateDeclined, reserved("cust-broke"), invoice.StateDeclined, 0, ""},
		{invoice.StateDeclined, cancelled(events.ReasonDeadline), invoice.StateDeclined, 0, ""},
		{invoice.StateVoided, reserved("cust-ada"), invoice.StateVoided, 0, ""},
		{invoice.StateVoided, cancelled(events.ReasonCustomer), invoice.StateVoided, 0, ""},
		{invoice.StateCancelled, reserved("cust-ada"), invoice.StateCancelled, 0, ""},
		{invoice.StateCancelled, cancelled(events.ReasonDeadline), invoice.StateCancelled, 0, ""},
	}
	for _, c := range cells {
		t.Run(string(c.state)+"/"+c.msg.EventType(), func(t *testing.T) {
			r := newSagaRig(t)
			reach[c.state](r)
			out := r.deliver(c.msg)
			if state := r.state(); state != c.wantState {
				t.Fatalf("state after %s = %q, want %q", c.msg.EventType(), state, c.wantState)
			}
			if got := r.charged("cust-ada"); got != c.charged {
				t.Fatalf("cust-ada charged %d, want %d", got, c.charged)
			}
			if r.charged("cust-broke") != 0 {
				t.Fatal("cust-broke was charged")
			}
			switch {
			case c.emits == "" && len(out) != 0:
				t.Fatalf("emitted %s, want nothing", out[0].Type)
			case c.emits != "" && (len(out) != 1 || out[0].Type != c.emits || out[0].OrderID != sagaOrder):
				t.Fatalf("emitted %+v, want one %s keyed by the order", out, c.emits)
			}
			if c.wantState == invoice.StateCancelled {
				// The tombstone holds: a StockReserved now charges nothing.
				if late := r.deliver(reserved("cust-ada")); len(late) != 0 || r.charged("cust-ada") != 0 {
					t.Fatalf("a StockReserved after the cancellation emitted %d events, charged %d", len(late), r.charged("cust-ada"))
				}
				if _, has := r.invoice(); has {
					t.Fatal("an invoice exists for an order cancelled before its charge")
				}
			}
		})
	}
}

// TestEmittedPayloads: what InvoiceIssued, PaymentDeclined (over the credit,
// and by the payment provider) and InvoiceVoided carry.
func TestEmittedPayloads(t *testing.T) {
	r := newSagaRig(t)
	issued := decode[events.InvoiceIssued](t, r.deliver(reserved("cust-ada"))[0])
	inv, _ := r.invoice()
	if issued != (events.InvoiceIssued{OrderID: sagaOrder, InvoiceID: inv.ID, TotalCents: 9800, Currency: "EUR"}) {
		t.Fatalf("InvoiceIssued = %+v", issued)
	}
	voided := decode[events.InvoiceVoided](t, r.deliver(cancelled(events.ReasonDeadline))[0])
	if voided != (events.InvoiceVoided{OrderID: sagaOrder, InvoiceID: inv.ID, Reason: events.ReasonDeadline, RefundedCents: 9800, Currency: "EUR"}) {
		t.Fatalf("InvoiceVoided = %+v", voided)
	}

	broke := newSagaRig(t)
	d := decode[events.PaymentDeclined](t, broke.deliver(reserved("cust-broke"))[0])
	if d.OrderID != sagaOrder || d.CustomerID != "cust-broke" || d.ReservationID != reservation || d.AmountCents != 9800 || d.Currency != "EUR" ||
		!strings.Contains(d.Reason, "€98.00") || !strings.Contains(d.Reason, "€0.00 of credit remaining") {
		t.Fatalf("PaymentDeclined over the credit = %+v", d)
	}
	if inv, _ := broke.invoice(); inv.Status != invoice.Declined || inv.Reason != d.Reason {
		t.Fatalf("the declined invoice = %+v", inv)
	}

	provider := newSagaRig(t)
	provider.decline = true
	d = decode[events.PaymentDeclined](t, provider.deliver(reserved("cust-ada"))[0])
	if d.Reason != invoice.ProviderDeclined || d.CustomerID != "cust-ada" || provider.charged("cust-ada") != 0 {
		t.Fatalf("PaymentDeclined by the provider = %+v, charged %d", d, provider.charged("cust-ada"))
	}
}

// TestRedeliveryChangesNothing: the same StockReserved and OrderCancelled
// (same event ids) delivered again change nothing and emit nothing.
func TestRedeliveryChangesNothing(t *testing.T) {
	r := newSagaRig(t)
	env, p := delivered(t, sagaOrder, reserved("cust-ada"))
	if out := r.handle(env, p); len(out) != 1 {
		t.Fatalf("first StockReserved emitted %d", len(out))
	}
	if out := r.handle(env, p); len(out) != 0 || r.charged("cust-ada") != 9800 {
		t.Fatalf("redelivered StockReserved emitted %d, charged %d", len(out), r.charged("cust-ada"))
	}
	cenv, cp := delivered(t, sagaOrder, cancelled(events.ReasonCustomer))
	if out := r.handle(cenv, cp); len(out) != 1 || r.charged("cust-ada") != 0 {
		t.Fatalf("OrderCancelled emitted %d, charged %d", len(out), r.charged("cust-ada"))
	}
	if out := r.handle(cenv, cp); len(out) != 0 || r.charged("cust-ada") != 0 {
		t.Fatalf("redelivered OrderCancelled emitted %d, charged %d", len(out), r.charged("cust-ada"))
	}
	if out := r.handle(env, p); len(out) != 0 {
		t.Fatalf("StockReserved redelivered after the void emitted %d", len(out))
	}
}

// TestOtherSagaEventsAreSkipped: the events on invoicing-svc's topics it has
// no handler for pass without an error (no retry, no dead letter) and change
// nothing.
func TestOtherSagaEventsAreSkipped(t *testing.T) {
	r := newSagaRig(t)
	for _, p := range []events.Payload{
		events.OrderPlaced{OrderID: sagaOrder, CustomerID: "cust-ada", Items: []events.Line{{SKU: "SKU-002", Qty: 2}}, PlacedAt: t0},
		events.StockRejected{OrderID: sagaOrder, Reason: "out of stock", SKU: "SKU-002"},
		events.StockReleased{OrderID: sagaOrder, ReservationID: reservation, Items: []events.Line{{SKU: "SKU-002", Qty: 2}}, Reason: events.ReasonPaymentDeclined, Detail: "no"},
	} {
		if out := r.deliver(p); len(out) != 0 {
			t.Fatalf("%s emitted %d", p.EventType(), len(out))
		}
		if c := counts(t, r.st); c != [3]int{} || r.relay.n != 0 {
			t.Fatalf("after %s: invoices, inbox, outbox = %v", p.EventType(), c)
		}
	}
}
