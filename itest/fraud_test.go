package itest

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	fraud "github.com/orderflow/fraud-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The fraud check (FRAUD_CHECK=on) added to each style, end to end: a
// cleared order CONFIRMED, a suspected one FAILED with its stock released
// and no invoice, the ledger holding; in events mode every message of both
// orders counted off the topics, and every message delivered again changes
// nothing. FRAUD_CHECK=off is every other test of this package.

const fraudName = fraud.Name

// fraudStack starts the four services with the check on: sync, or events
// in style.
func fraudStack(t *testing.T, mode config.Mode, style topology.Style) *stack {
	env := withAdmin()
	env[fraud.Name] = map[string]string{"ADMIN_TOKEN": adminToken}
	for _, vars := range env {
		if mode == config.ModeEvents {
			vars["SAGA"] = string(style)
		}
	}
	s := startStack(t, stackOpts{mode: mode, env: env, fraudCheck: true})
	s.waitHTTP(orders.Name, "/readyz")
	s.waitTopics(orders.Name)
	return s
}

// fraudOutcome places a cleared and a suspected order and checks both
// outcomes; it returns their ids.
func (s *stack) fraudOutcome() (cleared, suspected string) {
	s.t.Helper()
	cleared = s.placed("c-1", item("SKU-001", 1))
	suspected = s.placedAnyway("cust-fraud", item("SKU-002", 2))
	s.waitStatus(cleared, "CONFIRMED")
	o := s.waitStatus(suspected, "FAILED")
	if !strings.HasPrefix(o.Reason, "fraud suspected: ") || !strings.Contains(o.Reason, "cust-fraud") {
		s.t.Fatalf("suspected order's reason %q", o.Reason)
	}
	eventually(s.t, 20*time.Second, "the suspected order's stock released", func() (bool, string) {
		r := s.reservationOf(suspected)
		return r.Status == "RELEASED", r.Status
	})
	if inv, ok := s.invoiceOf(suspected); ok {
		s.t.Fatalf("the suspected order has an invoice: %+v", inv)
	}
	for id, want := range map[string]string{cleared: "cleared", suspected: "suspected"} {
		var c struct{ Verdict string }
		do(s.t, http.MethodGet, s.url[fraud.Name]+"/checks/"+id, nil).decode(s.t, &c)
		if c.Verdict != want {
			s.t.Errorf("GET /checks/%s: verdict %q, want %s", id, c.Verdict, want)
		}
	}
	s.ledgerHolds()
	var k struct{ Knobs map[string]any }
	do(s.t, http.MethodGet, s.url[orders.Name]+"/admin/knobs", nil).decode(s.t, &k)
	if k.Knobs["FRAUD_CHECK"] != "on" {
		s.t.Errorf("order-svc /admin/knobs = %v, want FRAUD_CHECK on", k.Knobs)
	}
	return cleared, suspected
}

// placedAnyway places an order and returns its id, whether the answer is
// the order or (sync mode, refused) a problem naming it.
func (s *stack) placedAnyway(customer string, items ...map[string]any) string {
	s.t.Helper()
	var body struct {
		ID      string `json:"id"`
		OrderID string `json:"order_id"`
	}
	s.place(customer, items...).decode(s.t, &body)
	if body.ID == "" && body.OrderID == "" {
		s.t.Fatal("POST /orders named no order")
	}
	return body.ID + body.OrderID
}

func TestFraudCheckSync(t *testing.T) {
	s := fraudStack(t, config.ModeSync, "")
	r := s.place("cust-fraud", item("SKU-002", 1))
	var p map[string]any
	r.decode(t, &p)
	if r.status != http.StatusForbidden || p["type"] != "https://orderflow.dev/problems/fraud-suspected" || p["order_status"] != "FAILED" {
		t.Fatalf("POST /orders by cust-fraud = %d %s, want 403 fraud-suspected, FAILED", r.status, r.body)
	}
	_, suspected := s.fraudOutcome()
	// A repeated check answers the first verdict (200), whatever it says now.
	again := do(t, http.MethodPost, s.url[fraud.Name]+"/checks", map[string]any{"order_id": suspected, "customer_id": "c-1",
		"reservation_id": s.reservationOf(suspected).ID, "items": []any{item("SKU-002", 1)}})
	var c struct{ Verdict string }
	again.decode(t, &c)
	if again.status != http.StatusOK || c.Verdict != "suspected" {
		t.Fatalf("repeated POST /checks = %d %s, want 200 suspected", again.status, again.body)
	}
}

func TestFraudCheckChoreography(t *testing.T) { testFraudEvents(t, topology.Choreography) }

func TestFraudCheckOrchestration(t *testing.T) { testFraudEvents(t, topology.Orchestration) }

// fraudMessages is what the design says each order costs, per style, with
// the check on: choreography OrderPlaced, StockReserved, the verdict, then
// InvoiceIssued or StockReleased (4, one more than without the check);
// orchestration OrderPlaced and ReserveStock, StockReserved, CheckFraud, the
// verdict, then IssueInvoice and InvoiceIssued or ReleaseStock and
// StockReleased (7, two more).
var fraudMessages = map[topology.Style]int{topology.Choreography: 4, topology.Orchestration: 7}

func testFraudEvents(t *testing.T, style topology.Style) {
	s := fraudStack(t, config.ModeEvents, style)
	cleared, suspected := s.fraudOutcome()
	system, _ := topology.System(style, true)
	msgs := map[string][]kafka.Message{}
	perOrder := map[string][]string{}
	for _, topic := range topicsOf(system) {
		msgs[topic] = readTopic(t, s.prefix+topic)
		for _, m := range distinct(msgs[topic]) {
			env, _, err := events.Decode(m.Value)
			if err == nil && (env.OrderID == cleared || env.OrderID == suspected) {
				perOrder[env.OrderID] = append(perOrder[env.OrderID], topic+":"+env.Type)
			}
		}
	}
	for id, name := range map[string]string{cleared: "cleared", suspected: "suspected"} {
		t.Logf("%s, %s order: %d messages %v", style, name, len(perOrder[id]), perOrder[id])
		if len(perOrder[id]) != fraudMessages[style] {
			t.Errorf("%s order: %d messages %v, want %d", name, len(perOrder[id]), perOrder[id], fraudMessages[style])
		}
	}
	s.redeliverAll(system, msgs, []string{cleared, suspected})
}

// redeliverAll writes every message of the consumed topics again, byte for
// byte, and requires that nobody answers and nothing changes.
func (s *stack) redeliverAll(system []topology.Service, msgs map[string][]kafka.Message, ids []string) {
	s.t.Helper()
	before := map[string]orderView{}
	for _, id := range ids {
		before[id] = s.getOrder(id)
	}
	credit := s.creditOf("c-1")
	want, again := map[string]int64{}, map[string]bool{}
	for _, svc := range system {
		if len(svc.Consumes) == 0 {
			continue
		}
		want[svc.Name] = s.messaging(svc.Name).Stats.Processed.Load()
		for _, topic := range svc.Consumes {
			want[svc.Name] += int64(len(msgs[topic]))
			again[topic] = true
		}
	}
	for topic := range again {
		writeRaw(s.t, msgs[topic]...)
	}
	for name, n := range want {
		s.waitConsumed(name, n)
	}
	for topic, m := range msgs {
		wantN := int64(len(m))
		if again[topic] {
			wantN *= 2
		}
		if n, err := countMessages(s.prefix + topic); err != nil || n != wantN {
			s.t.Fatalf("%s holds %d messages (%v), want %d: a redelivery was answered", topic, n, err, wantN)
		}
	}
	for id, o := range before {
		if got := s.getOrder(id); !reflect.DeepEqual(got, o) {
			s.t.Fatalf("order after the redeliveries = %+v, want unchanged %+v", got, o)
		}
	}
	if c := s.creditOf("c-1"); c != credit {
		s.t.Fatalf("credit of c-1 %+v → %+v", credit, c)
	}
	s.ledgerHolds()
}

// topicsOf is every topic the services touch, once, DLQs left out.
func topicsOf(system []topology.Service) []string {
	var out []string
	for _, svc := range system {
		for _, topic := range svc.Topics() {
			if !slices.Contains(out, topic) {
				out = append(out, topic)
			}
		}
	}
	return out
}

// withoutCheck is what one CONFIRMED order costs with FRAUD_CHECK=off: the
// baseline the check's 4 and 7 are measured against.
var withoutCheck = map[topology.Style]int{topology.Choreography: 3, topology.Orchestration: 5}

// TestFraudCheckOff: with the check off fraud-svc is not in the flow — the
// flagged customer's order is CONFIRMED — and an order costs the messages
// it cost before the check existed, counted off the topics.
func TestFraudCheckOff(t *testing.T) {
	for _, style := range topology.Styles {
		t.Run(string(style), func(t *testing.T) {
			env := withAdmin()
			for _, vars := range env {
				vars["SAGA"] = string(style)
			}
			s := startStack(t, stackOpts{mode: config.ModeEvents, env: env})
			s.waitHTTP(orders.Name, "/readyz")
			s.waitTopics(orders.Name)
			id := s.placed("cust-fraud", item("SKU-002", 2))
			s.waitStatus(id, "CONFIRMED")
			s.ledgerHolds()
			system, _ := topology.System(style, false)
			var seen []string
			for _, topic := range topicsOf(system) {
				for _, m := range distinct(readTopic(t, s.prefix+topic)) {
					if env, _, err := events.Decode(m.Value); err == nil && env.OrderID == id {
						seen = append(seen, topic+":"+env.Type)
					}
				}
			}
			t.Logf("%s without the check, confirmed order: %d messages %v", style, len(seen), seen)
			if len(seen) != withoutCheck[style] || len(seen) >= fraudMessages[style] {
				t.Errorf("%d messages %v, want %d (fewer than the check's %d)", len(seen), seen, withoutCheck[style], fraudMessages[style])
			}
		})
	}
}
