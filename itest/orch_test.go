package itest

import (
	"net/http"
	"slices"
	"strings"
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

// The orchestrated saga (SAGA=orchestration) across the three services, in
// process on the test broker: order-svc sends commands, the participants
// reply, and every outcome of the choreographed saga's tests — confirmed,
// rejected, declined, cancelled at each step, the deadline — ends the same,
// with the ledger holding. The choreography's topics inventory-svc and
// invoicing-svc answered on carry nothing of the saga here.

// orchTopics are the orchestration's command and reply topics.
var orchTopics = []string{events.TopicInventoryCommands, events.TopicInvoicingCommands, events.TopicSagaReplies}

// orchStack starts the three services with SAGA=orchestration and the
// admin API; extra adds variables per service.
func orchStack(t *testing.T, extra map[string]map[string]string) *stack {
	env := withAdmin()
	for name, vars := range env {
		vars["SAGA"] = string(topology.Orchestration)
		for k, v := range extra[name] {
			vars[k] = v
		}
	}
	s := startStack(t, stackOpts{mode: config.ModeEvents, env: env})
	// With env for order-svc, startStack waits for its liveness only; the
	// saga needs its topics too.
	s.waitHTTP(orders.Name, "/readyz")
	s.waitTopics(orders.Name)
	return s
}

// typesOn are the event types on topic, sorted, each message once (the
// relay publishes at least once: a retried batch may repeat one).
func (s *stack) typesOn(topic string) []string {
	s.t.Helper()
	var out []string
	for _, m := range distinct(readTopic(s.t, s.prefix+topic)) {
		out = append(out, kafkabus.Header(m.Headers, kafkaconf.HeaderEventType))
	}
	slices.Sort(out)
	return out
}

// distinct is msgs with each event id once.
func distinct(msgs []kafka.Message) []kafka.Message {
	seen := map[string]bool{}
	var out []kafka.Message
	for _, m := range msgs {
		if id := kafkabus.Header(m.Headers, kafkaconf.HeaderEventID); !seen[id] {
			seen[id] = true
			out = append(out, m)
		}
	}
	return out
}

// orchNothingDeadLettered requires the orchestration's DLQs empty.
func (s *stack) orchNothingDeadLettered() {
	s.t.Helper()
	for _, topic := range orchTopics {
		if n, err := countMessages(events.DLQ(s.prefix + topic)); err == nil && n != 0 {
			s.t.Fatalf("%s.dlq holds %d messages", topic, n)
		}
	}
}

func TestOrchHappyPath(t *testing.T) {
	s := orchStack(t, nil)
	id := s.placed("c-1", item("SKU-001", 1))
	if o := s.waitStatus(id, "CONFIRMED"); !slices.Equal(o.steps(), []string{"placed", "reserved", "invoiced", "confirmed"}) {
		t.Fatalf("timeline %v", o.steps())
	}
	s.ledgerHolds()
	for topic, want := range map[string][]string{
		events.TopicOrders:            {events.TypeOrderPlaced},
		events.TopicInventoryCommands: {events.TypeReserveStock},
		events.TopicInvoicingCommands: {events.TypeIssueInvoice},
		events.TopicSagaReplies:       {events.TypeInvoiceIssued, events.TypeStockReserved},
	} {
		if got := s.typesOn(topic); !slices.Equal(got, want) {
			t.Errorf("%s holds %v, want %v", topic, got, want)
		}
	}
	// Every reply names the command it answers.
	commands := map[string]bool{}
	for _, topic := range orchTopics[:2] {
		for _, m := range readTopic(t, s.prefix+topic) {
			commands[kafkabus.Header(m.Headers, kafkaconf.HeaderEventID)] = true
		}
	}
	for _, m := range readTopic(t, s.prefix+events.TopicSagaReplies) {
		env, _, err := events.Decode(m.Value)
		if err != nil || !commands[env.ReplyTo] {
			t.Errorf("reply %s: reply_to %q names no command sent (%v)", env.Type, env.ReplyTo, err)
		}
	}
	// inventory-svc's choreography answers (inventory.v1, where it still
	// announces its stock movements) carry nothing of the saga.
	if got := s.typesOn(events.TopicInventory); len(got) != 0 {
		t.Errorf("inventory.v1 holds %v in orchestration", got)
	}
	s.orchNothingDeadLettered()
	for _, name := range []string{orders.Name, inventory.Name, invoicing.Name} {
		var k struct{ Knobs map[string]any }
		do(t, http.MethodGet, s.url[name]+"/admin/knobs", nil).decode(t, &k)
		if k.Knobs["SAGA"] != string(topology.Orchestration) {
			t.Errorf("%s /admin/knobs = %v, want SAGA orchestration", name, k.Knobs)
		}
	}
}

func TestOrchStockRejected(t *testing.T) {
	s := orchStack(t, nil)
	id := s.placed("c-1", item("SKU-005", 4))
	if o := s.waitStatus(id, "REJECTED"); !strings.Contains(o.Reason, "SKU-005") {
		t.Fatalf("reason %q, want the short SKU", o.Reason)
	}
	if _, ok := s.invoiceOf(id); ok {
		t.Fatal("a rejected order was invoiced")
	}
	s.ledgerHolds()
}

// TestOrchPaymentDeclined: PaymentDeclined → ReleaseStock → StockReleased →
// FAILED with the decline's reason; no stock held, nothing charged.
func TestOrchPaymentDeclined(t *testing.T) {
	s := orchStack(t, nil)
	before := s.reservedOf("SKU-003")
	id := s.placed("cust-broke", item("SKU-003", 2))
	o := s.waitStatus(id, "FAILED")
	if !strings.HasPrefix(o.Reason, "payment declined: ") || !strings.Contains(o.Reason, "credit limit exceeded") {
		t.Fatalf("reason %q, want the decline's", o.Reason)
	}
	s.waitSteps(id, "reserved", "declined", "released", "failed")
	if r := s.reservationOf(id); r.Status != "RELEASED" || r.Reason != events.ReasonPaymentDeclined {
		t.Fatalf("reservation %+v, want RELEASED (payment_declined)", r)
	}
	if inv, ok := s.invoiceOf(id); !ok || inv.Status != "DECLINED" {
		t.Fatalf("invoice %+v (%v), want DECLINED", inv, ok)
	}
	if c := s.creditOf("cust-broke"); c.ChargedCents != 0 || s.reservedOf("SKU-003") != before {
		t.Fatalf("credit %+v, SKU-003 reserved %d → %d", c, before, s.reservedOf("SKU-003"))
	}
	s.ledgerHolds()
	s.orchNothingDeadLettered()
}
