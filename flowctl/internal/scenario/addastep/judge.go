package addastep

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// stepMessages are the messages the step adds to a confirmed order, by
// design (docs/architecture.md §11, read off the topics by itest's
// TestFraudCheck*): choreography FraudCleared; orchestration CheckFraud and
// its reply. Sync sends none: it adds a call.
var stepMessages = map[stackmode.Mode]int{stackmode.Events: 1, stackmode.Orchestration: 2}

// judge holds when the change touched what the topology says, both batches
// were confirmed, the messages per order grew by the step's, the trace
// shows the step, the step's failure coupled as the style says, and the
// stack was put back.
func judge(mode stackmode.Mode, m measured) kit.Outcome {
	o := kit.Outcome{ByStatus: m.After.Summary.ByStatus}
	put(&o, m)
	m.After.Followed.Put(&o)
	var broken []string
	for _, c := range checks(mode, m) {
		if !c.ok {
			broken = append(broken, c.what)
		}
	}
	o.Holds = len(broken) == 0
	o.Verdict = verdict(mode, m)
	if !o.Holds {
		o.Verdict += "; NOT as the design says: " + strings.Join(broken, "; ")
	}
	o.Details = append(o.Details, details(mode, m)...)
	return o
}

type check struct {
	ok   bool
	what string
}

func checks(mode stackmode.Mode, m measured) []check {
	n := m.Before.Summary.Orders
	cs := []check{
		{slices.Equal(m.Change.Started, m.Change.Design.Started) && slices.Equal(m.Change.Restarted, m.Change.Design.Restarted),
			fmt.Sprintf("the change started %v and restarted %v, the topology says %v and %v", m.Change.Started, m.Change.Restarted, m.Change.Design.Started, m.Change.Design.Restarted)},
		{m.Before.Summary.ByStatus["CONFIRMED"] == n && m.After.Summary.ByStatus["CONFIRMED"] == m.After.Summary.Orders,
			fmt.Sprintf("confirmed %d of %d before, %d of %d after", m.Before.Summary.ByStatus["CONFIRMED"], n, m.After.Summary.ByStatus["CONFIRMED"], m.After.Summary.Orders)},
		{m.Restored, "the stack was not put back without the check"},
		couplingCheck(mode, m.Down),
	}
	if mode.Kafka() {
		b, a := m.Before.PerOrder(), m.After.PerOrder()
		cs = append(cs, check{b >= 0 && math.Abs(a-b-float64(stepMessages[mode])) < 0.005,
			fmt.Sprintf("messages per order %s → %s, the step's are +%d", perOrder(b), perOrder(a), stepMessages[mode])})
	}
	if m.After.Trace.Err == "" {
		cs = append(cs, check{slices.Contains(m.After.Trace.Services, topology.FraudSvc),
			fmt.Sprintf("one order's trace after holds %v, not fraud-svc", m.After.Trace.Services)})
	}
	return cs
}

// couplingCheck: sync fails every order placed while fraud-svc is down (the
// call is in the chain); events accept them all, they wait, and all
// complete once it is back.
func couplingCheck(mode stackmode.Mode, d outage) check {
	if mode == stackmode.Sync {
		return check{d.N > 0 && d.Accepted == 0, fmt.Sprintf("with fraud-svc down %d of %d orders were still accepted", d.Accepted, d.N)}
	}
	return check{d.N > 0 && d.Accepted == d.N && d.Waiting == d.N && d.Completed == d.N,
		fmt.Sprintf("with fraud-svc down %d of %d accepted, %d waiting, %d CONFIRMED once back", d.Accepted, d.N, d.Waiting, d.Completed)}
}

func perOrder(v float64) string {
	if v < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.2f", v)
}

// verdict is the stack's line, named by its stack.
func verdict(mode stackmode.Mode, m measured) string {
	c := m.Change
	head := fmt.Sprintf("%s: the step started %s and restarted %s (%s by design)", mode,
		names(c.Started), names(c.Restarted), kit.Counted(len(c.Design.Started)+len(c.Design.Restarted), "service"))
	if mode == stackmode.Sync {
		return head + fmt.Sprintf("; it adds %s to the answer's p50 (%s → %s, n=%d); with fraud-svc down %.0f%% of %d orders failed",
			stats.Ms(addedP50(m)), stats.Ms(m.Before.Summary.Placement.P50), stats.Ms(m.After.Summary.Placement.P50),
			m.After.Summary.Placement.N, m.Down.FailedPct(), m.Down.N)
	}
	return head + fmt.Sprintf("; topics added %s, groups %s%s; messages per order %s → %s; consistent p50 %s → %s (n=%d); with fraud-svc down %d of %d accepted, %d completed once back",
		names(c.Topics), names(c.Groups), hadText(c.Had), perOrder(m.Before.PerOrder()), perOrder(m.After.PerOrder()),
		stats.Ms(m.Before.Summary.TimeToFinal.P50), stats.Ms(m.After.Summary.TimeToFinal.P50), m.After.Summary.TimeToFinal.N,
		m.Down.Accepted, m.Down.N, m.Down.Completed)
}

// hadText says which of the step's topics and groups an earlier run left
// on the broker, so "none added" does not read as "none needed".
func hadText(had []string) string {
	if len(had) == 0 {
		return ""
	}
	return " (" + strings.Join(had, ", ") + " already on the broker from an earlier run)"
}

func names(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func addedP50(m measured) float64 {
	return m.After.Summary.Placement.P50 - m.Before.Summary.Placement.P50
}

// details are the two traces, side by side.
func details(mode stackmode.Mode, m measured) []string {
	line := func(label string, t trace) string {
		if t.Err != "" {
			return fmt.Sprintf("%s: one order's trace: none (%s)", label, t.Err)
		}
		return fmt.Sprintf("%s: one order's trace: %s in %s, services %s", label, kit.Counted(t.Spans, "span"), kit.Counted(t.Traces, "trace"), names(t.Services))
	}
	return []string{line(string(mode)+" before", m.Before.Trace), line(string(mode)+" after", m.After.Trace)}
}
