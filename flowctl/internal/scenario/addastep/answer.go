package addastep

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// saysCoupling answers "can teams evolve without touching the others?" for
// one stack: what a new step in the middle of the flow started, restarted
// and added, and what its failure did to the orders.
func saysCoupling(o kit.Outcome) string {
	started, ok1 := o.Count(Started)
	restarted, ok2 := o.Count(Restarted)
	n, ok3 := o.Count(Orders)
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	s := fmt.Sprintf("adding a fraud check started %s and restarted %s already running", kit.Counted(started, "service"), kit.Counted(restarted, "service"))
	if topics, ok := o.Count(TopicsAdded); ok && topics > 0 {
		s += fmt.Sprintf(", and %s appeared on the broker", kit.Counted(topics, "topic"))
	}
	if m, ok := o.Metric(DownFailed.Key); ok {
		s += fmt.Sprintf("; with the new service down, %.0f%% of %d orders failed in the answer", m.Value, n)
	}
	return s
}

// saysConsistency: how the step moved the time to consistency.
func saysConsistency(o kit.Outcome) string {
	before, ok1 := o.Ms(TTCBefore)
	after, ok2 := o.Ms(TTCAfter)
	n, ok3 := o.Count(ConfirmedAfter)
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	return fmt.Sprintf("with a step added, CONFIRMED orders were final after %s (p50, n=%d) instead of %s", after, n, before)
}
