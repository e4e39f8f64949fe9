package itest

import (
	"reflect"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// orchConsumes says which topic each service consumes in orchestration.
var orchConsumes = map[string]string{
	orders.Name:    events.TopicSagaReplies,
	inventory.Name: events.TopicInventoryCommands,
	invoicing.Name: events.TopicInvoicingCommands,
}

// TestOrchDuplicateDeliveries: a CONFIRMED and a FAILED order run their
// course; then every command and every reply is delivered again, byte for
// byte. Nobody answers again, and no order, reservation, invoice or credit
// changes.
func TestOrchDuplicateDeliveries(t *testing.T) {
	s := orchStack(t, nil)
	ok := s.placed("c-1", item("SKU-001", 1))
	broke := s.placed("cust-broke", item("SKU-003", 1))
	s.waitStatus(ok, "CONFIRMED")
	s.waitStatus(broke, "FAILED")
	s.ledgerHolds()
	msgs := map[string][]kafka.Message{}
	for _, topic := range orchTopics {
		msgs[topic] = readTopic(t, s.prefix+topic)
	}
	// ReserveStock ×2, ReleaseStock; IssueInvoice ×2; StockReserved ×2,
	// InvoiceIssued, PaymentDeclined, StockReleased.
	n := func(topic string) int { return len(distinct(msgs[topic])) }
	if n(events.TopicInventoryCommands) != 3 || n(events.TopicInvoicingCommands) != 2 || n(events.TopicSagaReplies) != 5 {
		t.Fatalf("topics hold %d, %d, %d distinct messages; want 3, 2, 5", n(events.TopicInventoryCommands),
			n(events.TopicInvoicingCommands), n(events.TopicSagaReplies))
	}
	before := map[string]orderView{ok: s.getOrder(ok), broke: s.getOrder(broke)}
	credit := s.creditOf("c-1")
	want := map[string]int64{}
	for name, topic := range orchConsumes {
		want[name] = s.messaging(name).Stats.Processed.Load() + int64(len(msgs[topic]))
	}
	for _, topic := range orchTopics {
		writeRaw(t, msgs[topic]...)
	}
	for name, n := range want {
		s.waitConsumed(name, n)
	}
	for _, topic := range orchTopics {
		if n, err := countMessages(s.prefix + topic); err != nil || n != 2*int64(len(msgs[topic])) {
			t.Fatalf("%s holds %d messages (%v), want %d: a redelivery was answered", topic, n, err, 2*len(msgs[topic]))
		}
	}
	for id, o := range before {
		if got := s.getOrder(id); !reflect.DeepEqual(got, o) {
			t.Fatalf("order after the redeliveries = %+v, want unchanged %+v", got, o)
		}
	}
	if c := s.creditOf("c-1"); c != credit {
		t.Fatalf("credit of c-1 %+v → %+v", credit, c)
	}
	s.orchNothingDeadLettered()
	s.ledgerHolds()
}

// TestOrchMalformedGoesToDLQ: a message on each command topic and on the
// reply topic that is no valid command or reply goes to that topic's DLQ,
// written by its one consumer; the saga goes on.
func TestOrchMalformedGoesToDLQ(t *testing.T) {
	s := orchStack(t, nil)
	for name, topic := range orchConsumes {
		writeRaw(t, kafka.Message{Topic: s.prefix + topic, Key: []byte("junk-" + name), Value: []byte("{not json")})
	}
	// A ReserveStock without items: decodes as JSON, fails validation.
	writeRaw(t, kafka.Message{Topic: s.prefix + events.TopicInventoryCommands, Key: []byte("3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"),
		Value: []byte(`{"id":"8d4b0c1e-4c1a-4f43-9b8e-0f2c6c1d2e3f","type":"ReserveStock","schema_version":1,"occurred_at":"2026-01-01T00:00:00Z","order_id":"3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70","payload":{"order_id":"3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70","customer_id":"c","items":[]}}`)})
	for name, topic := range orchConsumes {
		want := 1
		if topic == events.TopicInventoryCommands {
			want = 2
		}
		dead := readAllEventually(t, events.DLQ(s.prefix+topic), want)
		group := topology.Group(s.prefix, name, string(config.ModeEvents))
		for _, m := range dead {
			if g := kafkabus.Header(m.Headers, kafkaconf.HeaderDLQGroup); g != group || kafkabus.Header(m.Headers, kafkaconf.HeaderDLQError) == "" {
				t.Fatalf("dead letter on %s.dlq from group %q, want %s with its error", topic, g, group)
			}
		}
	}
	if got := s.waitFinal(s.placed("c-1", item("SKU-001", 1))); got.Status != "CONFIRMED" {
		t.Fatalf("order after the poison messages = %s", got.Status)
	}
}
