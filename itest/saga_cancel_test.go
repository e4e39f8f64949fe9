package itest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The customer's cancel across the three services, at each point of the
// saga: before the reservation, after it, after the invoice, and with the
// invoice's trigger arriving after the cancel. A service's consumers are
// paused (the fault API) to hold the saga at that point. After each, the
// ledger holds: nothing is held or charged for the cancelled order.

const paused = `{"consumers_paused":true}`

// messaging is the service's consumer side (its Stats count what it consumed).
func (s *stack) messaging(name string) *service.Messaging {
	switch name {
	case inventory.Name:
		return s.inventory.Messaging
	case invoicing.Name:
		return s.invoicing.Messaging
	case fraudName:
		return s.fraud.Messaging
	}
	return s.order.Messaging
}

// waitConsumed waits until the service has consumed at least n messages.
func (s *stack) waitConsumed(name string, n int64) {
	s.t.Helper()
	eventually(s.t, 20*time.Second, fmt.Sprintf("%s consumed %d messages", name, n), func() (bool, string) {
		got := s.messaging(name).Stats.Processed.Load()
		return got >= n, fmt.Sprint(got)
	})
}

// cancelled cancels the order (events mode) and requires the 202.
func (s *stack) cancelled(id string) {
	s.t.Helper()
	r := s.cancelOrder(id)
	var c orderView
	r.decode(s.t, &c)
	if r.status != http.StatusAccepted || c.Status != "CANCELLED" || c.Reason != "customer" {
		s.t.Fatalf("cancel = %d %s, want 202 CANCELLED (customer)", r.status, r.body)
	}
}

// waitSteps waits until the order's timeline has every step of want.
func (s *stack) waitSteps(id string, want ...string) orderView {
	s.t.Helper()
	var o orderView
	eventually(s.t, 20*time.Second, fmt.Sprintf("order %s steps %v", id, want), func() (bool, string) {
		o = s.getOrder(id)
		for _, w := range want {
			if !slices.Contains(o.steps(), w) {
				return false, fmt.Sprint(o.Status, o.steps())
			}
		}
		return true, ""
	})
	return o
}

// waitReservation waits until the order's reservation has status.
func (s *stack) waitReservation(id, status string) reservationView {
	s.t.Helper()
	var r reservationView
	eventually(s.t, 20*time.Second, "reservation of "+id+" "+status, func() (bool, string) {
		r = s.reservationOf(id)
		return r.Status == status, fmt.Sprint(r)
	})
	return r
}

func (s *stack) placed(customer string, items ...map[string]any) string {
	s.t.Helper()
	var o orderView
	s.place(customer, items...).decode(s.t, &o)
	if o.ID == "" {
		s.t.Fatal("POST /orders answered no order")
	}
	return o.ID
}

func TestSagaCancelEvents(t *testing.T) {
	t.Run("before the reservation", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		s.setFaults(inventory.Name, paused)
		start := s.messaging(invoicing.Name).Stats.Processed.Load()
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.cancelled(id)
		s.setFaults(inventory.Name, `{}`)
		// The reservation made after the cancel (inventory was behind) is released.
		if r := s.waitReservation(id, "RELEASED"); r.Reason != "customer" {
			t.Fatalf("reservation = %+v, want RELEASED (customer)", r)
		}
		if o := s.waitSteps(id, "cancelled", "reserved", "released"); o.Status != "CANCELLED" {
			t.Fatalf("order = %s, want CANCELLED", o.Status)
		}
		// invoicing takes the cancel (orders.v1) and the reservation
		// (inventory.v1) in either order: nothing charged in the end.
		s.waitConsumed(invoicing.Name, start+4) // OrderPlaced, OrderCancelled, StockReserved, StockReleased
		s.ledgerHolds()
		if inv, ok := s.invoiceOf(id); ok && inv.Status != "VOIDED" {
			t.Fatalf("invoice of the cancelled order = %+v, want none or VOIDED", inv)
		}
	})

	t.Run("after the reservation", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		s.setFaults(invoicing.Name, paused)
		start := s.messaging(invoicing.Name).Stats.Processed.Load()
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.waitStatus(id, "RESERVED")
		s.cancelled(id)
		s.waitReservation(id, "RELEASED")
		s.setFaults(invoicing.Name, `{}`)
		// OrderPlaced, OrderCancelled, StockReserved, StockReleased: in
		// whichever order invoicing takes the two topics, it charges nothing
		// in the end (a tombstone first, or a charge voided by the cancel).
		s.waitConsumed(invoicing.Name, start+4)
		if inv, ok := s.invoiceOf(id); ok && inv.Status != "VOIDED" {
			t.Fatalf("invoice of the cancelled order = %+v, want none or VOIDED", inv)
		} else if ok {
			s.waitSteps(id, "invoiced", "voided")
		}
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
			t.Fatalf("credit = %+v, want nothing charged", c)
		}
		if o := s.getOrder(id); o.Status != "CANCELLED" {
			t.Fatalf("order = %s, want CANCELLED", o.Status)
		}
		s.ledgerHolds()
	})

	t.Run("after the invoice", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		// order-svc does not hear of the invoice, so the order can still be cancelled.
		s.setFaults(orders.Name, paused)
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		issued := s.waitInvoice(id, "ISSUED")
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != issued.TotalCents {
			t.Fatalf("credit after the charge = %+v, want %d charged", c, issued.TotalCents)
		}
		s.cancelled(id)
		if inv := s.waitInvoice(id, "VOIDED"); inv.InvoiceID != issued.InvoiceID || inv.Reason != "customer" {
			t.Fatalf("invoice = %+v, want %s VOIDED (customer)", inv, issued.InvoiceID)
		}
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 || c.RemainingCents != c.LimitCents {
			t.Fatalf("credit after the void = %+v, want all of it back", c)
		}
		s.waitReservation(id, "RELEASED")
		s.setFaults(orders.Name, `{}`)
		// The late InvoiceIssued changes the status no more.
		if o := s.waitSteps(id, "reserved", "invoiced", "released", "voided"); o.Status != "CANCELLED" {
			t.Fatalf("order = %s, want CANCELLED", o.Status)
		}
		s.ledgerHolds()
	})

	// invoicing-svc sees the OrderCancelled before the StockReserved (they
	// travel on different topics): both inventory's and invoicing's
	// consumers are held, invoicing's resumed first, so that only the cancel
	// is there to take; it leaves a tombstone and the reservation that comes
	// afterwards charges nothing.
	t.Run("invoice after cancel", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		s.setFaults(inventory.Name, paused)
		s.setFaults(invoicing.Name, paused)
		start := s.messaging(invoicing.Name).Stats.Processed.Load()
		id := s.placed("cust-thrifty", item("SKU-002", 2))
		s.cancelled(id)
		s.setFaults(invoicing.Name, `{}`)
		eventually(t, 20*time.Second, "invoicing's tombstone", func() (bool, string) {
			ok, err := s.invoicing.Store.Cancelled(t.Context(), id)
			return ok && err == nil, fmt.Sprint(err)
		})
		s.setFaults(inventory.Name, `{}`)
		s.waitReservation(id, "RELEASED")
		s.waitConsumed(invoicing.Name, start+4) // OrderPlaced, OrderCancelled, StockReserved, StockReleased
		if inv, ok := s.invoiceOf(id); ok {
			t.Fatalf("the reservation after the cancel was invoiced: %+v", inv)
		}
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
			t.Fatalf("credit = %+v, want nothing charged", c)
		}
		if o := s.waitSteps(id, "cancelled", "reserved", "released"); o.Status != "CANCELLED" || slices.Contains(o.steps(), "invoiced") {
			t.Fatalf("order = %s %v, want CANCELLED and never invoiced", o.Status, o.steps())
		}
		s.ledgerHolds()
	})
}
