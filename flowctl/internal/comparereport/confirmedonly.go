package comparereport

import (
	"fmt"
	"slices"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// confirmedOnly keeps a recording's time to consistency out of the report
// when it counted more orders than ended CONFIRMED: results recorded before
// load.Summarize left FAILED orders out (final after ~1 ms) made sync look
// the more consistent. Such an outcome says why its numbers are missing.
func confirmedOnly(r scenario.Report) scenario.Report {
	out := r
	out.Runs = make([]scenario.Run, len(r.Runs))
	for i, run := range r.Runs {
		run.Outcomes = slices.Clone(run.Outcomes)
		for j := range run.Outcomes {
			dropUnconfirmedTTC(&run.Outcomes[j])
		}
		out.Runs[i] = run
	}
	return out
}

// ttcKeys are the metrics measured over every final order in old recordings.
var ttcKeys = []scenario.MetricKey{kit.TTCP50.Key, kit.TTCP99.Key, kit.TTCN.Key}

func dropUnconfirmedTTC(o *scenario.Outcome) {
	confirmed := o.ByStatus["CONFIRMED"]
	n, ok := o.Metric(kit.TTCN.Key)
	over := ok && int(n.Value) > confirmed
	if !over && len(o.TimeToFinal) <= confirmed {
		return
	}
	counted := max(int(n.Value), len(o.TimeToFinal))
	o.Metrics = slices.DeleteFunc(slices.Clone(o.Metrics), func(m scenario.Metric) bool { return slices.Contains(ttcKeys, m.Key) })
	o.TimeToFinal = nil
	o.Details = append(slices.Clip(o.Details), fmt.Sprintf(
		"time to consistency not shown: this recording measured it over %d final orders, %d of them not CONFIRMED (failed or rejected orders are final at once); record again",
		counted, counted-confirmed))
}
