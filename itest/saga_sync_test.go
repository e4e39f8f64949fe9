package itest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The saga in sync mode across the three services: a cancel while the
// placing request waits on invoicing-svc, a cancel that comes too late, and
// an invoice or a reservation whose answer is lost to order-svc's
// HTTP_CLIENT_TIMEOUT. After each, the ledger holds.

// placeInFlight places the order in the background and returns its id once
// order-svc shows it with status, and the channel its answer arrives on.
func (s *stack) placeInFlight(status, customer string, items ...map[string]any) (string, <-chan response) {
	s.t.Helper()
	answer := make(chan response, 1)
	go func() { answer <- s.place(customer, items...) }()
	var list struct {
		Orders []orderView `json:"orders"`
	}
	eventually(s.t, 10*time.Second, "the order in flight "+status, func() (bool, string) {
		do(s.t, http.MethodGet, s.url[orders.Name]+"/orders?limit=1", nil).decode(s.t, &list)
		return len(list.Orders) == 1 && list.Orders[0].Status == status, fmt.Sprint(list.Orders)
	})
	return list.Orders[0].ID, answer
}

func TestSagaCancelSync(t *testing.T) {
	t.Run("while invoicing", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeSync, env: adminDownstream()})
		s.setFaults(invoicing.Name, `{"latency":"600ms"}`)
		id, answer := s.placeInFlight("RESERVED", "cust-thrifty", item("SKU-002", 2))
		r := s.cancelOrder(id)
		var c orderView
		r.decode(t, &c)
		if r.status != http.StatusOK || c.Status != "CANCELLED" || !slices.Contains(c.steps(), "released") {
			t.Fatalf("cancel = %d %s, want 200 CANCELLED with the reservation released", r.status, r.body)
		}
		placed := <-answer
		var p problemView
		placed.decode(t, &p)
		if placed.status != http.StatusConflict || p.Type != "https://orderflow.dev/problems/order-cancelled" {
			t.Fatalf("POST /orders = %d %s, want 409 order-cancelled", placed.status, placed.body)
		}
		// The invoice issued after the cancel was voided before that answer.
		if inv, ok := s.invoiceOf(id); !ok || inv.Status != "VOIDED" {
			t.Fatalf("invoice = %+v (%v), want VOIDED", inv, ok)
		}
		o := s.getOrder(id)
		if want := []string{"placed", "reserved", "cancelled", "released", "invoiced", "voided"}; o.Status != "CANCELLED" || !slices.Equal(o.steps(), want) {
			t.Fatalf("order = %s %v, want CANCELLED %v", o.Status, o.steps(), want)
		}
		s.setFaults(invoicing.Name, `{}`)
		if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
			t.Fatalf("credit = %+v, want all of it back", c)
		}
		s.ledgerHolds()
	})

	t.Run("after the invoice", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeSync})
		var o orderView
		s.place("cust-thrifty", item("SKU-002", 2)).decode(t, &o)
		if o.Status != "CONFIRMED" {
			t.Fatalf("order = %s, want CONFIRMED", o.Status)
		}
		var p problemView
		r := s.cancelOrder(o.ID)
		r.decode(t, &p)
		if r.status != http.StatusConflict || p.Type != "https://orderflow.dev/problems/order-final" {
			t.Fatalf("cancel a CONFIRMED order = %d %s, want 409 order-final", r.status, r.body)
		}
		if inv, ok := s.invoiceOf(o.ID); !ok || inv.Status != "ISSUED" {
			t.Fatalf("invoice = %+v (%v), want ISSUED: a refused cancel undoes nothing", inv, ok)
		}
		s.ledgerHolds()
	})
}

// TestSyncLostInvoiceAnswer: invoicing-svc answers slower than order-svc's
// HTTP_CLIENT_TIMEOUT, so POST /invoices times out on order-svc's side while
// invoicing goes on and charges the customer. order-svc must not answer
// FAILED with that charge standing: it asks again (the call is idempotent),
// voids the invoice and releases the stock.
func TestSyncLostInvoiceAnswer(t *testing.T) {
	env := withAdmin()
	env[orders.Name] = map[string]string{"HTTP_CLIENT_TIMEOUT": "300ms"}
	s := startStack(t, stackOpts{mode: config.ModeSync, env: env})
	s.setFaults(invoicing.Name, `{"latency":"800ms"}`)
	before := s.reservedOf("SKU-002")
	r := s.place("cust-thrifty", item("SKU-002", 2))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusServiceUnavailable || p.Type != "https://orderflow.dev/problems/dependency-failed" || p.OrderID == "" {
		t.Fatalf("POST /orders = %d %s, want 503 dependency-failed", r.status, r.body)
	}
	s.setFaults(invoicing.Name, `{}`)
	inv, ok := s.invoiceOf(p.OrderID)
	if !ok || inv.Status != "VOIDED" {
		t.Fatalf("invoice = %+v (%v), want the one the lost call issued, VOIDED", inv, ok)
	}
	o := s.getOrder(p.OrderID)
	if o.Status != "FAILED" || !strings.Contains(o.Reason, "invoice "+inv.InvoiceID+" voided") || !strings.Contains(o.Reason, "released") {
		t.Fatalf("order = %s %q, want FAILED saying the reservation was released and the invoice voided", o.Status, o.Reason)
	}
	if want := []string{"placed", "reserved", "released", "voided", "failed"}; !slices.Equal(o.steps(), want) {
		t.Fatalf("timeline %v, want %v", o.steps(), want)
	}
	if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
		t.Fatalf("credit = %+v, want nothing charged", c)
	}
	if after := s.reservedOf("SKU-002"); after != before {
		t.Fatalf("SKU-002 reserved %d → %d", before, after)
	}
	// The late first call, had it come after the void, is refused: the
	// order is charged once at most, and here not at all.
	s.ledgerHolds()
}

// TestSyncLostReservationAnswer: the same for inventory-svc — the
// reservation made after POST /reservations timed out on order-svc's side
// is released before the order fails, and invoicing is never called.
func TestSyncLostReservationAnswer(t *testing.T) {
	env := withAdmin()
	env[orders.Name] = map[string]string{"HTTP_CLIENT_TIMEOUT": "300ms"}
	s := startStack(t, stackOpts{mode: config.ModeSync, env: env})
	s.setFaults(inventory.Name, `{"latency":"800ms"}`)
	before := s.reservedOf("SKU-002")
	r := s.place("c-1", item("SKU-002", 2))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusServiceUnavailable || p.OrderID == "" {
		t.Fatalf("POST /orders = %d %s, want 503 dependency-failed", r.status, r.body)
	}
	s.setFaults(inventory.Name, `{}`)
	res := s.reservationOf(p.OrderID)
	if res.Status != "RELEASED" {
		t.Fatalf("reservation = %+v, want the one the lost call made, RELEASED", res)
	}
	o := s.getOrder(p.OrderID)
	if want := []string{"placed", "reserved", "released", "failed"}; o.Status != "FAILED" || !strings.Contains(o.Reason, "reservation "+res.ID+" released") || !slices.Equal(o.steps(), want) {
		t.Fatalf("order = %s %q %v, want FAILED %v saying the reservation was released", o.Status, o.Reason, o.steps(), want)
	}
	if _, ok := s.invoiceOf(p.OrderID); ok {
		t.Fatal("invoicing was called for an order whose reservation failed")
	}
	if after := s.reservedOf("SKU-002"); after != before {
		t.Fatalf("SKU-002 reserved %d → %d", before, after)
	}
	s.ledgerHolds()
}
