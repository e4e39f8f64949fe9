package replay

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// On the orchestrated stack the replay reads that stack's topics (prefix
// "orch.", commands and the reply channel), not the choreographed stack's
// beside it on the broker: a confirmed order's five messages rebuild its
// history and invoice, two of them counted as commands.
func TestReplayReadsTheOrchestratedStacksTopics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orch, chor := kafkalog.LogOf(stackmode.Orchestration, ""), kafkalog.LogOf(stackmode.Events, "")
	brokers := kfakeWithTopics(t, append(append(orch.Topics(), orch.DLQTopics()...), chor.Topics()...)...)
	publish := func(topic, orderID string, p events.Payload) {
		t.Helper()
		env, err := events.New(orderID, time.Now(), p)
		if err != nil {
			t.Fatal(err)
		}
		value, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := kafkalog.Publish(ctx, brokers, topic, []byte(orderID), value, map[string]string{
			kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID}); err != nil {
			t.Fatal(err)
		}
	}
	e := &kit.Env{Brokers: brokers}
	mark, err := e.MarkLog(ctx, kit.Target{Mode: stackmode.Orchestration})
	if err != nil {
		t.Fatal(err)
	}
	const id = "99999999-0000-4000-8000-000000000000"
	lines := []events.Line{{SKU: "SKU-001", Qty: 2}}
	// The choreographed stack's order beside it must not be read.
	publish(events.TopicOrders, "11111111-0000-4000-8000-000000000000", &events.OrderPlaced{OrderID: "11111111-0000-4000-8000-000000000000", CustomerID: "c", Items: lines, PlacedAt: time.Now()})
	o := stackmode.OrchestrationPrefix
	publish(o+events.TopicOrders, id, &events.OrderPlaced{OrderID: id, CustomerID: "c", Items: lines, PlacedAt: time.Now()})
	publish(o+events.TopicInventoryCommands, id, &events.ReserveStock{OrderID: id, CustomerID: "c", Items: lines})
	publish(o+events.TopicSagaReplies, id, &events.StockReserved{OrderID: id, ReservationID: "r", CustomerID: "c", Items: lines})
	publish(o+events.TopicInvoicingCommands, id, &events.IssueInvoice{OrderID: id, CustomerID: "c", ReservationID: "r", Items: lines})
	publish(o+events.TopicSagaReplies, id, &events.InvoiceIssued{OrderID: id, InvoiceID: "i", TotalCents: 1299, Currency: "EUR"})

	r := replayed{Mark: mark, Order: api.Order{ID: id}}
	if err := replayLog(ctx, e, kit.Target{Mode: stackmode.Orchestration}, &r); err != nil {
		t.Fatal(err)
	}
	if r.Records != 5 || r.Commands != 2 || len(r.Model.Orders) != 1 || r.Model.Invoices != 1 || r.Model.ReservedUnits != 2 {
		t.Errorf("replayed %d messages (%d commands), %d orders, %d invoices, %d units reserved; want 5 (2), 1, 1, 2",
			r.Records, r.Commands, len(r.Model.Orders), r.Model.Invoices, r.Model.ReservedUnits)
	}
	if got := r.Model.Orders[id].Status(); got != "CONFIRMED" {
		t.Errorf("the rebuilt order is %q, want CONFIRMED", got)
	}
	if r.Trail, err = auditTrail(ctx, e, kit.Target{Mode: stackmode.Orchestration}, mark.Start, id); err != nil || len(r.Trail) != 5 {
		t.Errorf("trail %v, %v; want the order's 5 messages", r.Trail, err)
	}
	r.Live = api.Totals{Count: 1, TotalCents: 1299, Currency: "EUR"}
	r.RunLive, r.Check = r.Live, kit.LiveCheck{Agree: 3}
	out := judge(stackmode.Orchestration, r)
	if !out.Holds || !strings.HasPrefix(out.Verdict, "events-orchestration: 5 messages") || !strings.Contains(out.Verdict, "2 of them commands") {
		t.Errorf("holds %v, verdict %q; want it held, naming the stack and its 2 commands", out.Holds, out.Verdict)
	}
}
