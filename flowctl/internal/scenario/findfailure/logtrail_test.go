package findfailure

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// stuck is an order stuck before its invoice as each style's log holds it.
func stuck(t *testing.T, prefix string, msgs ...struct {
	topic string
	p     events.Payload
}) []kafkalog.Record {
	t.Helper()
	var recs []kafkalog.Record
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for i, m := range msgs {
		env, err := events.New("o-1", at, m.p)
		if err != nil {
			t.Fatal(err)
		}
		v, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, kafkalog.Record{Topic: prefix + m.topic, Key: []byte("o-1"), Value: v, Time: at.Add(time.Duration(i) * time.Millisecond)})
	}
	// Out of order on purpose: the trail sorts by the time written.
	slices.Reverse(recs)
	return recs
}

type msg = struct {
	topic string
	p     events.Payload
}

// TestTrailSuspects: choreography's newest message (StockReserved on
// inventory.v1) leaves both its readers as suspects; orchestration's
// (IssueInvoice on its command topic) names invoicing-svc alone.
func TestTrailSuspects(t *testing.T) {
	lines := []events.Line{{SKU: "SKU-001", Qty: 1}}
	placed := &events.OrderPlaced{OrderID: "o-1", CustomerID: "c", Items: lines, PlacedAt: time.Now()}
	reserved := &events.StockReserved{OrderID: "o-1", ReservationID: "r", CustomerID: "c", Items: lines}
	chor := trailOf(kafkalog.LogOf(stackmode.Events, ""), stuck(t, "", msg{events.TopicOrders, placed}, msg{events.TopicInventory, reserved}))
	if chor.Messages != 2 || len(chor.Topics) != 2 || chor.Newest != events.TypeStockReserved || !slices.Equal(chor.Suspects, []string{"order-svc", "invoicing-svc"}) {
		t.Errorf("choreography: %+v; want 2 messages on 2 topics, StockReserved newest, suspects order-svc and invoicing-svc", chor)
	}
	o := stackmode.OrchestrationPrefix
	orch := trailOf(kafkalog.LogOf(stackmode.Orchestration, ""), stuck(t, o,
		msg{events.TopicOrders, placed},
		msg{events.TopicInventoryCommands, &events.ReserveStock{OrderID: "o-1", CustomerID: "c", Items: lines}},
		msg{events.TopicSagaReplies, reserved},
		msg{events.TopicInvoicingCommands, &events.IssueInvoice{OrderID: "o-1", CustomerID: "c", ReservationID: "r", Items: lines}}))
	if orch.Messages != 4 || len(orch.Topics) != 4 || orch.NewestTopic != o+events.TopicInvoicingCommands || !slices.Equal(orch.Suspects, []string{"invoicing-svc"}) || !orch.onePlace() {
		t.Errorf("orchestration: %+v; want 4 messages on 4 topics, IssueInvoice newest, invoicing-svc the one suspect", orch)
	}
	if chor.onePlace() {
		t.Error("choreography's two readers counted as one place")
	}
}

// TestJudgeOrchestrated: the orchestrated stack's outcome names the stack,
// records the log's metrics and says whether its log was one place to look.
func TestJudgeOrchestrated(t *testing.T) {
	order := func(recovered time.Duration, suspects ...string) failedOrder {
		return failedOrder{order: api.Order{ID: "o-1", Status: "RESERVED"}, recovered: recovered,
			trail: &logTrail{Messages: 4, Topics: []string{"a", "b", "c", "d"}, Newest: "IssueInvoice", NewestTopic: "d", Suspects: suspects},
			inv: investigate.Investigation{Traces: 1, Lookups: 1, Explained: true, Failure: &api.Span{},
				FailureText: "failed in invoicing-svc: injected fault"}}
	}
	for _, c := range []struct {
		name  string
		f     failedOrder
		holds bool
		says  string
	}{
		{"one suspect, recovered", order(time.Second, "invoicing-svc"), true, "was one place to look"},
		{"two suspects", order(time.Second, "order-svc", "invoicing-svc"), true, "was NOT one place to look"},
		{"never recovered", order(0, "invoicing-svc"), false, "was one place to look"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(stackmode.Orchestration, traced{Tried: []tried{{config.PropagationChild, c.f}}})
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds || !strings.HasPrefix(o.Verdict, "events-orchestration: ") || !strings.Contains(o.Verdict, c.says) {
				t.Errorf("holds %v, verdict %q; want %v, the stack named and %q", o.Holds, o.Verdict, c.holds, c.says)
			}
			if got := o.Value(LogSuspects.Key); got != float64(len(c.f.trail.Suspects)) {
				t.Errorf("suspects = %g, want %d", got, len(c.f.trail.Suspects))
			}
		})
	}
}

// TestCompareThreeStacks: each events stack is checked against sync with
// child propagation, and the two styles are put side by side.
func TestCompareThreeStacks(t *testing.T) {
	outcome := func(mode stackmode.Mode, child, off, suspects float64) kit.Outcome {
		o := kit.Outcome{Mode: string(mode), Holds: true, Verdict: string(mode) + ": …"}
		o.Put(Lookups.Def("child"), child)
		o.Put(Lookups.Def("off"), off)
		if mode.Kafka() {
			o.Put(LogSuspects, suspects)
		}
		return o
	}
	r := kit.Run{Outcomes: []kit.Outcome{outcome(stackmode.Sync, 1, 2, 0), outcome(stackmode.Events, 1, 7, 2), outcome(stackmode.Orchestration, 3, 9, 1)}}
	compareModes(&r)
	ev, orch := r.Outcomes[1], r.Outcomes[2]
	if !ev.Holds || orch.Holds {
		t.Errorf("holds events %v, orchestration %v; want true and false (3 lookups with child against sync's 1)", ev.Holds, orch.Holds)
	}
	for _, o := range []kit.Outcome{ev, orch} {
		if !strings.Contains(o.Verdict, "Jaeger lookups with off events 7, events-orchestration 9") || !strings.Contains(o.Verdict, "suspects the log left events 2, events-orchestration 1") {
			t.Errorf("%s verdict %q does not put the styles side by side", o.Mode, o.Verdict)
		}
	}
	if !strings.Contains(orch.Verdict, "with child propagation events-orchestration needed 3 lookups, sync 1") {
		t.Errorf("orchestration verdict %q does not say what was compared", orch.Verdict)
	}
}
