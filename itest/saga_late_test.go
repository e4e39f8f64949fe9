package itest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The saga across the three services when a step comes too late or for an
// order that does not exist: the deadline cancels an order whose
// reservation is late, and a reservation for an order order-svc never had
// is compensated. After each, the ledger holds.

// TestSagaDeadline: inventory-svc is paused longer than ORDER_DEADLINE;
// order-svc cancels the order (deadline), and once inventory resumes, the
// reservation it makes then is released; nothing stays charged.
func TestSagaDeadline(t *testing.T) {
	env := withAdmin()
	env[orders.Name]["ORDER_DEADLINE"] = "300ms"
	s := startStack(t, stackOpts{mode: config.ModeEvents, env: env})
	s.setFaults(inventory.Name, paused)
	start := s.messaging(invoicing.Name).Stats.Processed.Load()
	id := s.placed("cust-thrifty", item("SKU-002", 2))
	o := s.waitStatus(id, "CANCELLED")
	if o.Reason != events.ReasonDeadline {
		t.Fatalf("order = %s (%s), want CANCELLED by the deadline", o.Status, o.Reason)
	}
	time.Sleep(300 * time.Millisecond) // inventory stays paused past the deadline
	if r := s.reservationOf(id); r.Status != "" {
		t.Fatalf("inventory paused, yet the order has a reservation %+v", r)
	}
	s.setFaults(inventory.Name, `{}`)
	if r := s.waitReservation(id, "RELEASED"); r.Reason != events.ReasonDeadline {
		t.Fatalf("the late reservation = %+v, want RELEASED (deadline)", r)
	}
	if o := s.waitSteps(id, "cancelled", "reserved", "released"); o.Status != "CANCELLED" || o.Reason != events.ReasonDeadline {
		t.Fatalf("order = %s (%s) after the late steps, want CANCELLED (deadline)", o.Status, o.Reason)
	}
	s.waitConsumed(invoicing.Name, start+4) // OrderPlaced, OrderCancelled, StockReserved, StockReleased
	if inv, ok := s.invoiceOf(id); ok && inv.Status != "VOIDED" {
		t.Fatalf("invoice of the cancelled order = %+v, want none or VOIDED", inv)
	}
	s.ledgerHolds()
}

// TestSagaUnknownOrder: an OrderPlaced published by hand (as with kcat) for
// an id order-svc never had. inventory-svc reserves and invoicing-svc may
// charge; order-svc, hearing of the reservation, records the order
// CANCELLED (unknown_order) and announces it, and both are undone.
func TestSagaUnknownOrder(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	start := s.messaging(invoicing.Name).Stats.Processed.Load()
	id := uuid.NewString()
	s.publish(events.TopicOrders, placedEvent(id, events.Line{SKU: "SKU-001", Qty: 7}))
	eventually(t, 20*time.Second, "order-svc's row for the unknown order", func() (bool, string) {
		r := do(t, http.MethodGet, s.url[orders.Name]+"/orders/"+id, nil)
		return r.status == http.StatusOK, string(r.body)
	})
	o := s.waitStatus(id, "CANCELLED")
	if o.Reason != events.ReasonUnknownOrder {
		t.Fatalf("order-svc's row = %s (%s), want CANCELLED (unknown_order)", o.Status, o.Reason)
	}
	if r := s.waitReservation(id, "RELEASED"); r.Reason != events.ReasonUnknownOrder {
		t.Fatalf("reservation = %+v, want RELEASED (unknown_order)", r)
	}
	// OrderPlaced, OrderCancelled, StockReserved, StockReleased.
	s.waitConsumed(invoicing.Name, start+4)
	eventually(t, 20*time.Second, "no charge for the unknown order", func() (bool, string) {
		inv, ok := s.invoiceOf(id)
		return !ok || inv.Status == "VOIDED", fmt.Sprint(inv)
	})
	if c := s.creditOf("c-saga"); c.ChargedCents != 0 {
		t.Fatalf("credit of c-saga = %+v, want nothing charged", c)
	}
	s.ledgerHolds()
}
