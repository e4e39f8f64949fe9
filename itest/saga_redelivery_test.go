package itest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// Duplicate and reordered deliveries across the three services: the saga's
// every envelope delivered again changes nothing anywhere, and order-svc
// hearing of the release before the decline ends the order as it would
// otherwise. After each, the ledger holds and nothing is dead-lettered.

// consumes says which topics each service consumes.
var consumes = map[string][]string{
	orders.Name:    {events.TopicInventory, events.TopicInvoicing},
	inventory.Name: {events.TopicOrders, events.TopicInvoicing},
	invoicing.Name: {events.TopicInventory, events.TopicOrders},
}

// nothingDeadLettered requires the three topics' dead-letter topics empty
// (a topic never created holds nothing).
func (s *stack) nothingDeadLettered() {
	s.t.Helper()
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		if n, err := countMessages(events.DLQ(s.prefix + topic)); err == nil && n != 0 {
			s.t.Fatalf("%s.dlq holds %d messages", topic, n)
		}
	}
}

// TestSagaDuplicateDeliveries: a CONFIRMED order and a declined one run
// their course; then every message on the three topics is delivered again,
// byte for byte (a consumer that crashed before its commit). Each service
// consumes them and publishes nothing, and no order, reservation, invoice
// or credit changes.
func TestSagaDuplicateDeliveries(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	ok := s.placed("c-1", item("SKU-001", 1))
	broke := s.placed("cust-broke", item("SKU-003", 1))
	s.waitStatus(ok, "CONFIRMED")
	s.waitStatus(broke, "FAILED")
	s.waitSteps(ok, "reserved", "invoiced", "confirmed")
	s.waitSteps(broke, "reserved", "declined", "released", "failed")
	s.ledgerHolds()

	msgs := map[string][]kafka.Message{}
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		msgs[topic] = readTopic(t, s.prefix+topic)
	}
	// 2 OrderPlaced; 2 StockReserved and a StockReleased; an InvoiceIssued and a PaymentDeclined.
	if len(msgs[events.TopicOrders]) != 2 || len(msgs[events.TopicInventory]) != 3 || len(msgs[events.TopicInvoicing]) != 2 {
		t.Fatalf("topics hold %d, %d, %d messages; want 2, 3, 2", len(msgs[events.TopicOrders]), len(msgs[events.TopicInventory]), len(msgs[events.TopicInvoicing]))
	}
	before := map[string]orderView{ok: s.getOrder(ok), broke: s.getOrder(broke)}
	want := map[string]int64{}
	for name, topics := range consumes {
		want[name] = s.messaging(name).Stats.Processed.Load()
		for _, topic := range topics {
			want[name] += int64(len(msgs[topic]))
		}
	}
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		writeRaw(t, msgs[topic]...)
	}
	for name, n := range want {
		s.waitConsumed(name, n)
	}
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		if n, err := countMessages(s.prefix + topic); err != nil || n != 2*int64(len(msgs[topic])) {
			t.Fatalf("%s holds %d messages (%v), want %d: a redelivery was answered", topic, n, err, 2*len(msgs[topic]))
		}
	}
	for id, o := range before {
		if got := s.getOrder(id); !reflect.DeepEqual(got, o) {
			t.Fatalf("order after the redeliveries = %+v, want unchanged %+v", got, o)
		}
	}
	s.nothingDeadLettered()
	s.ledgerHolds()
}

// TestSagaReleaseBeforeDecline: order-svc hears that the stock was released
// (payment_declined) before it hears of the decline — they travel on
// different topics. The release ends the order FAILED with the decline's
// reason; the decline, later, only joins the timeline. To fix that order,
// order-svc and invoicing-svc are paused while inventory reserves; the
// release is then published by hand (as inventory would) and the decline
// after it (as invoicing would, naming the real reservation, which
// inventory then releases); invoicing, resumed, declines again for real
// and changes nothing more.
func TestSagaReleaseBeforeDecline(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
	s.setFaults(orders.Name, paused)
	s.setFaults(invoicing.Name, paused)
	id := s.placed("cust-broke", item("SKU-001", 1))
	res := s.waitReservation(id, "RESERVED")
	s.waitAnswers(id, 1) // the StockReserved is on inventory.v1, ahead of the release
	const why = "credit limit exceeded: published by hand"
	s.publish(events.TopicInventory, events.StockReleased{OrderID: id, ReservationID: res.ID, Items: []events.Line{{SKU: "SKU-001", Qty: 1}},
		Reason: events.ReasonPaymentDeclined, Detail: why})
	s.setFaults(orders.Name, `{}`)
	o := s.waitStatus(id, "FAILED")
	if o.Reason != "payment declined: "+why || strings.Join(o.steps(), ",") != "placed,reserved,released,failed" {
		t.Fatalf("order after the release = %q %v, want FAILED with the decline's reason", o.Reason, o.steps())
	}
	s.publish(events.TopicInvoicing, events.PaymentDeclined{OrderID: id, CustomerID: "cust-broke", ReservationID: res.ID,
		Reason: why, AmountCents: 1890, Currency: "EUR"})
	o = s.waitSteps(id, "declined")
	if o.Status != "FAILED" || o.Reason != "payment declined: "+why {
		t.Fatalf("order after the late decline = %s %q, want FAILED as before", o.Status, o.Reason)
	}
	if r := s.waitReservation(id, "RELEASED"); r.Reason != events.ReasonPaymentDeclined {
		t.Fatalf("reservation = %+v, want RELEASED (payment_declined)", r)
	}
	start := s.messaging(invoicing.Name).Stats.Processed.Load()
	s.setFaults(invoicing.Name, `{}`)
	// OrderPlaced; StockReserved, StockReleased twice (by hand and inventory's).
	s.waitConsumed(invoicing.Name, start+4)
	s.waitInvoice(id, "DECLINED")
	if got := s.getOrder(id); got.Status != "FAILED" || got.Reason != o.Reason {
		t.Fatalf("order after invoicing's own decline = %s %q, want unchanged", got.Status, got.Reason)
	}
	if s.messaging(orders.Name).Stats.DeadLetter.Load() != 0 {
		t.Fatal("order-svc dead-lettered a message")
	}
	s.nothingDeadLettered()
	s.ledgerHolds()
}
