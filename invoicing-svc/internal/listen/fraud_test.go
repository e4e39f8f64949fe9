package listen_test

import (
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// clearedRig is invoicing-svc's consumer as choreography wires it with
// FRAUD_CHECK=on.
func clearedRig(t *testing.T) *sagaRig {
	r := newSagaRig(t)
	h := &listen.Handler{Now: func() time.Time { return t0 }, Ledger: store.Ledger{DefaultLimitCents: plenty, Decline: func() bool { return r.decline }}}
	r.p.Routes = h.ClearedRoutes()
	return r
}

// TestChargeOnFraudCleared: with the check on, FraudCleared charges (once)
// and StockReserved or FraudSuspected charge nothing.
func TestChargeOnFraudCleared(t *testing.T) {
	r := clearedRig(t)
	lines := []events.Line{{SKU: "SKU-002", Qty: 2}}
	if out := r.deliver(events.StockReserved{OrderID: sagaOrder, ReservationID: reservation, CustomerID: "cust-ada", Items: lines}); len(out) != 0 || r.charged("cust-ada") != 0 {
		t.Fatalf("StockReserved with the check on: emitted %+v, charged %d; want nothing", out, r.charged("cust-ada"))
	}
	if out := r.deliver(events.FraudSuspected{OrderID: sagaOrder, ReservationID: reservation, CustomerID: "cust-ada", Reason: "flagged"}); len(out) != 0 {
		t.Fatalf("FraudSuspected: emitted %+v, want nothing", out)
	}
	cleared := events.FraudCleared{OrderID: sagaOrder, ReservationID: reservation, CustomerID: "cust-ada", Items: lines}
	out := r.deliver(cleared)
	if len(out) != 1 || out[0].Type != events.TypeInvoiceIssued || r.state() != invoice.StateIssued {
		t.Fatalf("FraudCleared: emitted %+v, state %s; want one InvoiceIssued", out, r.state())
	}
	charged := r.charged("cust-ada")
	if out := r.deliver(cleared); len(out) != 0 || r.charged("cust-ada") != charged {
		t.Fatalf("FraudCleared again: emitted %+v, charged %d → %d", out, charged, r.charged("cust-ada"))
	}
}
