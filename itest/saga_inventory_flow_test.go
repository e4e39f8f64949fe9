package itest

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/events"

	inventory "github.com/orderflow/inventory-svc/app"
)

// TestEventsInventoryReleases: OrderPlaced → StockReserved; a PaymentDeclined
// (published by hand, as invoicing-svc would) → StockReleased with the
// decline's reason, the stock back. An OrderCancelled after a reservation
// releases it too, and the same OrderCancelled again changes nothing. The
// REST release answers 409 wrong-mode and holds on. invoicing.v1's other
// types are skipped, not dead-lettered.
func TestEventsInventoryReleases(t *testing.T) {
	s := inventoryAlone(t)
	start := s.reservedOf("SKU-004")

	declinedOrder := uuid.NewString()
	s.publish(events.TopicOrders, placedEvent(declinedOrder, events.Line{SKU: "SKU-004", Qty: 3}))
	got := s.waitAnswers(declinedOrder, 1)
	reserved, ok := got[0].(*events.StockReserved)
	if !ok || s.reservedOf("SKU-004") != start+3 {
		t.Fatalf("after OrderPlaced: %+v, SKU-004 reserved %d; want StockReserved, %d", got[0], s.reservedOf("SKU-004"), start+3)
	}
	if r := s.reservationOf(declinedOrder); r.ID != reserved.ReservationID || r.Status != "RESERVED" {
		t.Fatalf("GET /reservations?order_id = %+v", r)
	}
	// The REST release is refused in events mode; the stock stays held.
	if r := do(t, http.MethodPost, s.url[inventory.Name]+"/reservations/"+reserved.ReservationID+"/release", nil); r.status != http.StatusConflict {
		t.Fatalf("POST /reservations/{id}/release in events mode = %d %s, want 409 wrong-mode", r.status, r.body)
	}
	s.publish(events.TopicInvoicing, events.InvoiceIssued{OrderID: declinedOrder, InvoiceID: uuid.NewString(), TotalCents: 100, Currency: "EUR"})
	const why = "charge of 12000 cents is over the remaining credit of 0"
	s.publish(events.TopicInvoicing, events.PaymentDeclined{OrderID: declinedOrder, CustomerID: "c-saga", ReservationID: reserved.ReservationID,
		Reason: why, AmountCents: 12000, Currency: "EUR"})
	got = s.waitAnswers(declinedOrder, 2)
	rel, ok := got[1].(*events.StockReleased)
	if !ok || rel.ReservationID != reserved.ReservationID || rel.Reason != events.ReasonPaymentDeclined || rel.Detail != why || len(rel.Items) != 1 {
		t.Fatalf("after PaymentDeclined: %+v, want StockReleased(payment_declined)", got[1])
	}
	if r := s.reservationOf(declinedOrder); r.Status != "RELEASED" || r.Reason != events.ReasonPaymentDeclined || r.Detail != why {
		t.Fatalf("reservation after the decline = %+v", r)
	}
	if got := s.reservedOf("SKU-004"); got != start {
		t.Fatalf("SKU-004 reserved = %d after the release, want %d", got, start)
	}

	cancelledOrder := uuid.NewString()
	s.publish(events.TopicOrders, placedEvent(cancelledOrder, events.Line{SKU: "SKU-004", Qty: 2}))
	s.waitAnswers(cancelledOrder, 1)
	cancel := s.publish(events.TopicOrders, events.OrderCancelled{OrderID: cancelledOrder, CustomerID: "c-saga", Reason: events.ReasonCustomer, CancelledAt: time.Now().UTC()})
	got = s.waitAnswers(cancelledOrder, 2)
	if rel, ok := got[1].(*events.StockReleased); !ok || rel.Reason != events.ReasonCustomer {
		t.Fatalf("after OrderCancelled: %+v, want StockReleased(customer)", got[1])
	}
	// The same OrderCancelled again, byte for byte (a consumer that crashed
	// before its commit): processed, nothing more released or published.
	processed := s.inventory.Messaging.Stats.Processed.Load()
	writeRaw(t, cancel)
	eventually(t, 20*time.Second, "redelivery consumed", func() (bool, string) {
		return s.inventory.Messaging.Stats.Processed.Load() > processed, ""
	})
	if got := s.answers(cancelledOrder); len(got) != 2 {
		t.Fatalf("after the redelivery the order has %d answers, want still 2", len(got))
	}
	if got := s.reservedOf("SKU-004"); got != start {
		t.Fatalf("SKU-004 reserved = %d after the redelivery, want %d", got, start)
	}
	if n := s.inventory.Messaging.Stats.DeadLetter.Load(); n != 0 {
		t.Fatalf("dead-lettered %d (InvoiceIssued must be skipped)", n)
	}
	for _, topic := range []string{events.TopicOrders, events.TopicInvoicing} {
		if n, err := countMessages(events.DLQ(s.prefix + topic)); err == nil && n != 0 {
			t.Fatalf("%s.dlq holds %d messages", topic, n)
		}
	}
	s.ledgerAgrees()
}

// TestEventsInventoryTombstone: an OrderCancelled for an order inventory-svc
// never saw (hand-published) leaves a CANCELLED row and publishes nothing;
// the OrderPlaced published for it afterwards reserves nothing and is
// answered StockRejected(cancelled).
func TestEventsInventoryTombstone(t *testing.T) {
	s := inventoryAlone(t)
	start := s.reservedOf("SKU-001")
	order := uuid.NewString()
	processed := s.inventory.Messaging.Stats.Processed.Load()
	s.publish(events.TopicOrders, events.OrderCancelled{OrderID: order, Reason: events.ReasonUnknownOrder, CancelledAt: time.Now().UTC()})
	eventually(t, 20*time.Second, "OrderCancelled consumed", func() (bool, string) {
		return s.inventory.Messaging.Stats.Processed.Load() > processed, ""
	})
	if r := s.reservationOf(order); r.Status != "CANCELLED" || r.Reason != events.ReasonUnknownOrder {
		t.Fatalf("row after the cancel = %+v, want CANCELLED(unknown_order)", r)
	}
	if got := s.answers(order); len(got) != 0 {
		t.Fatalf("a cancel of an unseen order published %v", got)
	}
	s.publish(events.TopicOrders, placedEvent(order, events.Line{SKU: "SKU-001", Qty: 7}))
	got := s.waitAnswers(order, 1)
	if rej, ok := got[0].(*events.StockRejected); !ok || rej.Reason != "cancelled" {
		t.Fatalf("OrderPlaced after its cancel answered %+v, want StockRejected(cancelled)", got[0])
	}
	if r := s.reservationOf(order); r.Status != "REJECTED" || r.Reason != "cancelled" {
		t.Fatalf("row after the OrderPlaced = %+v", r)
	}
	if got := s.reservedOf("SKU-001"); got != start {
		t.Fatalf("SKU-001 reserved %d → %d for a cancelled order", start, got)
	}
	s.ledgerAgrees()
}
