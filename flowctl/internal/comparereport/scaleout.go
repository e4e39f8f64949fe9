package comparereport

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/scaleout"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// scaleOutLead are the lines the scale-out section opens with: per stack,
// what three replicas bought, and the cores it had beside it, so that a
// flat line on a small machine is not read as "scaling does not work".
func scaleOutLead(run scenario.Run, modes []string) []string {
	if run.Scenario != scaleout.Def.Name {
		return nil
	}
	var out []string
	for _, m := range modes {
		o, ok := outcomeOf(run, m)
		if !ok {
			continue
		}
		one, okOne := o.Metric(scaleout.ThroughputOne.Key)
		three, okThree := o.Metric(scaleout.ThroughputThree.Key)
		if !okOne || !okThree {
			continue
		}
		n, _ := o.Count(scaleout.Cores) // absent: a remote runtime's, unknown
		others, _ := o.Count(scaleout.Others)
		line := fmt.Sprintf("%s: %s final with 1 replica of %s, %s with %d — %s",
			stackLabel(m, modes), formatValue(one), scaleout.Service, formatValue(three), scaleout.Replicas, scaleout.CoresText(n, others, stackmode.Mode(m)))
		out = append(out, line)
	}
	return out
}
