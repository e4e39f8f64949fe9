package listen_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// commandRig is invoicing-svc's consumer as SAGA=orchestration wires it.
func commandRig(t *testing.T) *sagaRig {
	r := newSagaRig(t)
	h := &listen.Handler{Now: func() time.Time { return t0 }, Ledger: store.Ledger{DefaultLimitCents: plenty, Decline: func() bool { return r.decline }}}
	r.p.Routes = h.CommandRoutes()
	r.p.Outbox = &outbox.Writer{Topic: events.TopicSagaReplies, Propagator: propagation.TraceContext{}, Relay: r.relay}
	return r
}

func issueCmd(customer string) events.IssueInvoice {
	return events.IssueInvoice{OrderID: sagaOrder, CustomerID: customer, ReservationID: reservation, Items: []events.Line{{SKU: "SKU-002", Qty: 2}}}
}

// TestIssueInvoiceReplies: the charge replies InvoiceIssued naming the
// command; the same command again changes nothing and replies nothing.
func TestIssueInvoiceReplies(t *testing.T) {
	r := commandRig(t)
	env, payload := delivered(t, sagaOrder, issueCmd("cust-ada"))
	out := r.handle(env, payload)
	if len(out) != 1 || out[0].Type != events.TypeInvoiceIssued || out[0].ReplyTo != env.ID {
		t.Fatalf("IssueInvoice replied %+v, want one InvoiceIssued naming %s", out, env.ID)
	}
	charged := r.charged("cust-ada")
	if out := r.handle(env, payload); len(out) != 0 || r.charged("cust-ada") != charged {
		t.Fatalf("duplicate IssueInvoice: %d replies, charged %d → %d", len(out), charged, r.charged("cust-ada"))
	}
}

// TestIssueInvoiceDeclines: over the credit, the reply is PaymentDeclined
// naming the reservation, and nothing is charged.
func TestIssueInvoiceDeclines(t *testing.T) {
	r := commandRig(t)
	out := r.deliver(issueCmd("cust-broke"))
	if len(out) != 1 || out[0].Type != events.TypePaymentDeclined {
		t.Fatalf("replied %+v, want PaymentDeclined", out)
	}
	if d := decode[events.PaymentDeclined](t, out[0]); d.ReservationID != reservation || r.state() != invoice.StateDeclined || r.charged("cust-broke") != 0 {
		t.Fatalf("decline %+v, state %s, charged %d", d, r.state(), r.charged("cust-broke"))
	}
}

// TestVoidInvoiceReplies: VoidInvoice voids the issued invoice, gives the
// credit back and replies InvoiceVoided; another invoice's id is dead-lettered.
func TestVoidInvoiceReplies(t *testing.T) {
	r := commandRig(t)
	issued := decode[events.InvoiceIssued](t, r.deliver(issueCmd("cust-ada"))[0])
	env, payload := delivered(t, sagaOrder, events.VoidInvoice{OrderID: sagaOrder, InvoiceID: "00000000-0000-4000-8000-000000000000", Reason: events.ReasonCustomer})
	if err := r.p.HandleOne(context.Background(), env, payload); !errors.Is(err, events.ErrInvalid) || r.state() != invoice.StateIssued {
		t.Fatalf("void of another invoice: %v, state %s; want ErrInvalid, ISSUED", err, r.state())
	}
	out := r.deliver(events.VoidInvoice{OrderID: sagaOrder, InvoiceID: issued.InvoiceID, Reason: events.ReasonCustomer})
	if len(out) != 1 || out[0].Type != events.TypeInvoiceVoided || r.state() != invoice.StateVoided || r.charged("cust-ada") != 0 {
		t.Fatalf("VoidInvoice replied %+v, state %s, charged %d; want InvoiceVoided, VOIDED, 0", out, r.state(), r.charged("cust-ada"))
	}
}

// TestChoreographyEventsHaveNoCommandRoute: a StockReserved charges nothing
// in orchestration.
func TestChoreographyEventsHaveNoCommandRoute(t *testing.T) {
	r := commandRig(t)
	if out := r.deliver(reserved("cust-ada")); len(out) != 0 || r.state() != invoice.StateNone {
		t.Fatalf("StockReserved in orchestration: %d out, state %s; want skipped", len(out), r.state())
	}
}
