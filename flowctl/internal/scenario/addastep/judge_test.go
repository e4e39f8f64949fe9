package addastep

import (
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// good is a run of mode that went as the design says: n orders confirmed
// each time, the change touched what the topology says, the messages grew
// by the step's, the trace shows fraud-svc, the outage coupled as the
// style does, and the stack was put back.
func good(mode stackmode.Mode) measured {
	const n = 10
	batch := func(p50 float64, msgs int) phase {
		s := load.Summary{Orders: n, ByStatus: map[string]int{"CONFIRMED": n},
			Placement: stats.Summary{N: n, P50: p50}, TimeToFinal: stats.Summary{N: n, P50: 2 * p50}}
		return phase{Summary: s, Created: n, Messages: msgs, Trace: trace{Spans: 12, Traces: 1, Services: []string{topology.OrderSvc}}}
	}
	perOrder := map[stackmode.Mode]int{stackmode.Sync: -1, stackmode.Events: 3, stackmode.Orchestration: 5}[mode]
	before, after := batch(10, perOrder*n), batch(14, (perOrder+stepMessages[mode])*n)
	if mode == stackmode.Sync {
		after.Messages = -1
	}
	after.Trace.Services = []string{topology.FraudSvc, topology.OrderSvc}
	design := stack.FraudChange(mode, true)
	m := measured{Before: before, After: after, Restored: true,
		Change: joined{Design: design, Started: design.Started, Restarted: design.Restarted}}
	m.Down = outage{N: n, Accepted: n, Waiting: n, Completed: n}
	if mode == stackmode.Sync {
		m.Down = outage{N: n}
	}
	return m
}

func TestJudgeHoldsWhenTheDesignHolds(t *testing.T) {
	for _, mode := range stackmode.All {
		o := judge(mode, good(mode))
		if !o.Holds || !strings.HasPrefix(o.Verdict, string(mode)+": ") {
			t.Errorf("%s: holds %v, verdict %q", mode, o.Holds, o.Verdict)
		}
		if u := Def.Undeclared(o); len(u) > 0 {
			t.Errorf("%s: %v", mode, u)
		}
	}
}

// TestJudgeFailsEachCell breaks one thing at a time: each must fail the
// verdict and say what broke.
func TestJudgeFailsEachCell(t *testing.T) {
	cases := []struct {
		name   string
		modes  []stackmode.Mode
		break_ func(*measured)
		says   string
	}{
		{"a service restarted the topology does not name", stackmode.All, func(m *measured) {
			m.Change.Restarted = append(m.Change.Restarted, topology.InvoicingSvc+"-x")
		}, "the topology says"},
		{"fraud-svc not started", stackmode.All, func(m *measured) { m.Change.Started = nil }, "the topology says"},
		{"an order not confirmed after", stackmode.All, func(m *measured) { m.After.Summary.ByStatus["CONFIRMED"]-- }, "confirmed"},
		{"not put back", stackmode.All, func(m *measured) { m.Restored = false }, "put back"},
		{"the step's failure did not reach sync's client", []stackmode.Mode{stackmode.Sync}, func(m *measured) { m.Down.Accepted = 1 }, "still accepted"},
		{"an events order failed with the step down", []stackmode.Mode{stackmode.Events, stackmode.Orchestration}, func(m *measured) { m.Down.Accepted-- }, "accepted"},
		{"an events order lost once the step was back", []stackmode.Mode{stackmode.Events, stackmode.Orchestration}, func(m *measured) { m.Down.Completed-- }, "once back"},
		{"one message more than the step's", []stackmode.Mode{stackmode.Events, stackmode.Orchestration}, func(m *measured) { m.After.Messages += m.After.Created }, "messages per order"},
		{"no log to count", []stackmode.Mode{stackmode.Events}, func(m *measured) { m.Before.Messages = -1 }, "unknown"},
		{"the trace misses fraud-svc", stackmode.All, func(m *measured) { m.After.Trace.Services = []string{topology.OrderSvc} }, "not fraud-svc"},
	}
	for _, c := range cases {
		for _, mode := range c.modes {
			m := good(mode)
			m.After.Summary.ByStatus = map[string]int{"CONFIRMED": m.After.Summary.ByStatus["CONFIRMED"]}
			c.break_(&m)
			o := judge(mode, m)
			if o.Holds || !strings.Contains(o.Verdict, c.says) {
				t.Errorf("%s, %s: holds %v, verdict %q (want it to say %q)", c.name, mode, o.Holds, o.Verdict, c.says)
			}
		}
	}
}

// TestTraceUnknownIsSaidNotJudged: without Jaeger the verdict still
// stands on the rest, and the details say there was no trace.
func TestTraceUnknownIsSaidNotJudged(t *testing.T) {
	m := good(stackmode.Events)
	m.After.Trace = trace{Err: "no Jaeger to ask"}
	o := judge(stackmode.Events, m)
	if !o.Holds || !strings.Contains(strings.Join(o.Details, "\n"), "no Jaeger") {
		t.Errorf("holds %v, details %v", o.Holds, o.Details)
	}
}

func TestCompareProcesses(t *testing.T) {
	before := map[string]int{topology.OrderSvc: 1, topology.InventorySvc: 2, topology.InvoicingSvc: 3}
	after := map[string]int{topology.OrderSvc: 1, topology.InventorySvc: 20, topology.InvoicingSvc: 30, topology.FraudSvc: 4}
	started, restarted := compare(before, after)
	if strings.Join(started, ",") != topology.FraudSvc || strings.Join(restarted, ",") != topology.InventorySvc+","+topology.InvoicingSvc {
		t.Errorf("started %v, restarted %v", started, restarted)
	}
}

func TestStackTopics(t *testing.T) {
	all := []string{"__consumer_offsets", "orders.v1", "orders.v1.dlq", "fraud.v1", "orch.orders.v1", "orch.fraud.commands.v1"}
	if got := strings.Join(stackTopics(all, stackmode.Events, ""), ","); got != "orders.v1,fraud.v1" {
		t.Errorf("events: %s", got)
	}
	if got := strings.Join(stackTopics(all, stackmode.Orchestration, ""), ","); got != "orch.orders.v1,orch.fraud.commands.v1" {
		t.Errorf("orchestration: %s", got)
	}
}

// TestStepNames: the step's own topics and group per style, as the broker
// names them; sync has no broker but fraud-svc's group name is harmless.
func TestStepNames(t *testing.T) {
	for mode, want := range map[stackmode.Mode][]string{
		stackmode.Events:        {"p.fraud.v1", "p.fraud-svc.events"},
		stackmode.Orchestration: {"p.orch.fraud.commands.v1", "p.orch.fraud-svc.events"},
	} {
		if got := stepNames(mode, "p."); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", mode, got, want)
		}
	}
}

// TestVerdictSaysWhatWasThereAlready: a second run on one broker adds no
// topic; the verdict says the step's were there, not that it needs none.
func TestVerdictSaysWhatWasThereAlready(t *testing.T) {
	m := good(stackmode.Events)
	m.Change.Had = []string{"fraud.v1", "fraud-svc.events"}
	o := judge(stackmode.Events, m)
	if !o.Holds || !strings.Contains(o.Verdict, "topics added none, groups none (fraud.v1, fraud-svc.events already on the broker from an earlier run)") {
		t.Errorf("holds %v, verdict %q", o.Holds, o.Verdict)
	}
	if o := judge(stackmode.Events, good(stackmode.Events)); strings.Contains(o.Verdict, "already on the broker") {
		t.Errorf("a first run's verdict: %q", o.Verdict)
	}
}
