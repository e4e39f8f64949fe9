package itest

import (
	"testing"

	"github.com/orderflow/platform/events"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The customer's cancel and the deadline in the orchestrated saga, at each
// step: the orchestrator decides, and what a participant did meanwhile is
// compensated by its commands. A participant's consumers are paused (the
// fault API) to hold the saga at that step.

func TestOrchCancel(t *testing.T) {
	// RESERVING: the cancel waits for the reserve's reply, then releases.
	t.Run("while reserving", func(t *testing.T) {
		s := orchStack(t, nil)
		s.setFaults(inventory.Name, paused)
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.cancelled(id)
		s.setFaults(inventory.Name, `{}`)
		if r := s.waitReservation(id, "RELEASED"); r.Reason != events.ReasonCustomer {
			t.Fatalf("reservation %+v, want RELEASED (customer)", r)
		}
		if o := s.waitSteps(id, "cancelled", "reserved", "released"); o.Status != "CANCELLED" {
			t.Fatalf("order %s, want CANCELLED", o.Status)
		}
		if _, ok := s.invoiceOf(id); ok {
			t.Fatal("an order cancelled while reserving was invoiced")
		}
		s.ledgerHolds()
		s.orchNothingDeadLettered()
	})

	// CHARGING: the release goes at once; the charge that lands after the
	// cancel is voided.
	t.Run("while charging", func(t *testing.T) {
		s := orchStack(t, nil)
		s.setFaults(invoicing.Name, paused)
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.waitStatus(id, "RESERVED")
		s.cancelled(id)
		s.waitReservation(id, "RELEASED")
		s.setFaults(invoicing.Name, `{}`)
		if inv := s.waitInvoice(id, "VOIDED"); inv.Reason != events.ReasonCustomer {
			t.Fatalf("invoice %+v, want VOIDED (customer)", inv)
		}
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
			t.Fatalf("credit %+v, want nothing charged", c)
		}
		if o := s.waitSteps(id, "cancelled", "invoiced", "released", "voided"); o.Status != "CANCELLED" {
			t.Fatalf("order %s, want CANCELLED", o.Status)
		}
		s.ledgerHolds()
		s.orchNothingDeadLettered()
	})

	// After the invoice, before the orchestrator heard of it (its consumers
	// paused): the reply, when it comes, is compensated, never applied. The
	// charge is held until the orchestrator is paused (invoicing paused
	// until the order is RESERVED, i.e. IssueInvoice sent).
	t.Run("after the invoice", func(t *testing.T) {
		s := orchStack(t, nil)
		s.setFaults(invoicing.Name, paused)
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.waitStatus(id, "RESERVED")
		s.setFaults(orders.Name, paused)
		s.setFaults(invoicing.Name, `{}`)
		issued := s.waitInvoice(id, "ISSUED")
		s.cancelled(id)
		s.waitReservation(id, "RELEASED")
		s.setFaults(orders.Name, `{}`)
		if inv := s.waitInvoice(id, "VOIDED"); inv.InvoiceID != issued.InvoiceID {
			t.Fatalf("invoice %+v, want %s VOIDED", inv, issued.InvoiceID)
		}
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
			t.Fatalf("credit %+v, want all of it back", c)
		}
		if o := s.waitSteps(id, "invoiced", "released", "voided"); o.Status != "CANCELLED" {
			t.Fatalf("order %s, want CANCELLED", o.Status)
		}
		s.ledgerHolds()
		s.orchNothingDeadLettered()
	})
}

// TestOrchDeadline: inventory-svc paused past ORDER_DEADLINE; the
// orchestrator cancels (deadline) and releases the reservation made late.
func TestOrchDeadline(t *testing.T) {
	s := orchStack(t, map[string]map[string]string{orders.Name: {"ORDER_DEADLINE": "300ms"}})
	s.setFaults(inventory.Name, paused)
	id := s.placed("cust-thrifty", item("SKU-002", 2))
	if o := s.waitStatus(id, "CANCELLED"); o.Reason != events.ReasonDeadline {
		t.Fatalf("order %s (%s), want CANCELLED by the deadline", o.Status, o.Reason)
	}
	s.setFaults(inventory.Name, `{}`)
	if r := s.waitReservation(id, "RELEASED"); r.Reason != events.ReasonDeadline {
		t.Fatalf("reservation %+v, want RELEASED (deadline)", r)
	}
	if _, ok := s.invoiceOf(id); ok {
		t.Fatal("an order cancelled while reserving was invoiced")
	}
	s.ledgerHolds()
	s.orchNothingDeadLettered()
}
