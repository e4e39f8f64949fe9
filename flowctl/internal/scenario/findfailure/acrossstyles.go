package findfailure

import (
	"fmt"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// compareStyles puts the two events stacks' costs side by side once both
// ran: Jaeger lookups per propagation tried and the suspects the log left.
// It says, it does not judge: each stack's outcome judged its own claim.
func compareStyles(chor, orch *kit.Outcome) {
	if chor == nil || orch == nil {
		return
	}
	line := "; side by side:"
	for _, p := range allPropagations {
		k := Lookups.Key(string(p))
		c, okC := chor.Metric(k)
		o, okO := orch.Metric(k)
		if okC && okO {
			line += fmt.Sprintf(" Jaeger lookups with %s %s %g, %s %g;", p, stackmode.Events, c.Value, stackmode.Orchestration, o.Value)
		}
	}
	c, okC := chor.Metric(LogSuspects.Key)
	o, okO := orch.Metric(LogSuspects.Key)
	if okC && okO {
		line += fmt.Sprintf(" suspects the log left %s %g, %s %g (n=1 order each)", stackmode.Events, c.Value, stackmode.Orchestration, o.Value)
	}
	chor.Verdict += line
	orch.Verdict += line
}

// outcomeOf is r's outcome of mode, nil when it did not run.
func outcomeOf(r *kit.Run, m stackmode.Mode) *kit.Outcome {
	for i := range r.Outcomes {
		if r.Outcomes[i].Mode == string(m) {
			return &r.Outcomes[i]
		}
	}
	return nil
}

// childAgainstSync checks the claim against sync for one events stack: with
// the context carried (child) it must need no more lookups than sync.
func childAgainstSync(sync, ev *kit.Outcome, m stackmode.Mode) {
	key := Lookups.Key(string(config.PropagationChild))
	s, sok := sync.Metric(key)
	e, eok := ev.Metric(key)
	if !sok || !eok {
		return
	}
	if e.Value > s.Value {
		ev.Holds = false
		ev.Verdict += fmt.Sprintf("; with child propagation %s needed %g %s, sync %g: %s cost more", m, e.Value, kit.Plural(int(e.Value), "lookup"), s.Value, m)
		return
	}
	ev.Verdict += fmt.Sprintf("; with child propagation %s needed %g %s, sync %g: no more", m, e.Value, kit.Plural(int(e.Value), "lookup"), s.Value)
}
