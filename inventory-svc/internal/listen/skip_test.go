package listen_test

import (
	"errors"
	"testing"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// TestRedelivery: the same OrderCancelled twice (one event id) releases once
// and publishes once.
func TestRedelivery(t *testing.T) {
	f := newFixture(t)
	f.into(stock.StatusReserved)
	env, payload := delivered(t, cancelled(events.ReasonCustomer))
	if _, out, err := f.handleEnv(env, payload); err != nil || len(out) != 1 {
		t.Fatalf("first delivery: %d published, %v", len(out), err)
	}
	if _, out, err := f.handleEnv(env, payload); err != nil || len(out) != 0 {
		t.Fatalf("redelivery: %d published, %v; want nothing", len(out), err)
	}
	if got := f.reserved("SKU-001"); got != 0 {
		t.Fatalf("SKU-001 reserved = %d, want 0 (given back once)", got)
	}
}

// TestOtherInvoicingEventsAreSkipped: invoicing.v1 carries InvoiceIssued and
// InvoiceVoided too; inventory-svc has no route for them: no error (which
// would be retried or dead-lettered), no inbox row, nothing changed.
func TestOtherInvoicingEventsAreSkipped(t *testing.T) {
	f := newFixture(t)
	f.into(stock.StatusReserved)
	before, processed := f.row(), f.processed()
	for _, p := range []events.Payload{
		events.InvoiceIssued{OrderID: orderID, InvoiceID: "5e1d7c2a-0000-4000-8000-000000000001", TotalCents: 3780, Currency: "EUR"},
		events.InvoiceVoided{OrderID: orderID, InvoiceID: "5e1d7c2a-0000-4000-8000-000000000001", Reason: events.ReasonCustomer, RefundedCents: 3780, Currency: "EUR"},
	} {
		if _, out, err := f.handle(p); err != nil || len(out) != 0 {
			t.Fatalf("%s: %d published, %v; want skipped", p.EventType(), len(out), err)
		}
	}
	if after := f.row(); after.Status != before.Status || f.processed() != processed || f.reserved("SKU-001") != 2 {
		t.Fatalf("skipped events changed something: %+v → %+v, processed %d → %d", before, after, processed, f.processed())
	}
}

// TestDeclineOfAnotherReservation: a PaymentDeclined naming a reservation the
// order does not have contradicts inventory-svc's own record: dead-lettered
// (events.ErrInvalid), nothing released.
func TestDeclineOfAnotherReservation(t *testing.T) {
	f := newFixture(t)
	f.into(stock.StatusReserved)
	_, out, err := f.handle(declined(anyReservationID))
	if !errors.Is(err, events.ErrInvalid) || len(out) != 0 {
		t.Fatalf("decline of another reservation = %v, %d published; want ErrInvalid, nothing", err, len(out))
	}
	if f.row().Status != stock.StatusReserved || f.reserved("SKU-001") != 2 {
		t.Fatalf("the reservation changed: %+v", f.row())
	}
}

// TestShortOrderIsRecordedRejected: a rejected order leaves a REJECTED row
// with the shortage as its reason, so a later OrderPlaced (a new event for
// the same order) cannot reserve what has become available since.
func TestShortOrderIsRecordedRejected(t *testing.T) {
	f := newFixture(t)
	_, out, err := f.handle(placed(stock.Line{SKU: "SKU-005", Qty: 5}))
	if err != nil || len(out) != 1 {
		t.Fatalf("OrderPlaced short: %d published, %v", len(out), err)
	}
	if r, ok := out[0].(*events.StockRejected); !ok || r.SKU != "SKU-005" || r.Reason != "SKU SKU-005: 5 requested, 3 available" {
		t.Fatalf("published %+v", out[0])
	}
	if _, out, err := f.handle(placed(stock.Line{SKU: "SKU-005", Qty: 1})); err != nil || len(out) != 0 || f.reserved("SKU-005") != 0 {
		t.Fatalf("a second OrderPlaced of a rejected order: %d published, %v, SKU-005 reserved %d", len(out), err, f.reserved("SKU-005"))
	}
}
