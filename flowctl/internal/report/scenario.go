package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// ScenarioList writes `scenario list`: each scenario in one line.
func ScenarioList(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range scenario.All {
		summary := s.Summary
		if s.NotInAll != "" {
			summary += " (not in `all`: " + s.NotInAll + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, summary)
	}
	tw.Flush()
}

// ScenarioRun writes one scenario's result: the claim, the verdict line,
// every metric side by side per mode, and the details. color (a terminal)
// makes the title and verdict bold and whether the claim showed green or red.
func ScenarioRun(w io.Writer, r scenario.Run, color bool) {
	bold, green, red, reset := "", "", "", ""
	if color {
		bold, green, red, reset = "\033[1m", "\033[32m", "\033[31m", "\033[0m"
	}
	fmt.Fprintf(w, "\n%s== %s ==%s\n", bold, r.Scenario, reset)
	fmt.Fprintf(w, "claim:   %s\n", r.Claim)
	fmt.Fprintf(w, "verdict: %s%s%s\n\n", bold, r.Verdict(), reset)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"", ""}
	for _, o := range r.Outcomes {
		header = append(header, o.Mode)
	}
	fmt.Fprintln(tw, strings.Join(header[1:], "\t")+"\t")
	for _, key := range metricKeys(r) {
		label := ""
		cells := []string{}
		for _, o := range r.Outcomes {
			m, ok := o.Metric(key)
			if !ok {
				cells = append(cells, "–")
				continue
			}
			label = labelOf(m)
			cells = append(cells, MetricValue(m))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", label, strings.Join(cells, "\t"))
	}
	tw.Flush()
	// After the table: escape codes would throw tabwriter's widths off.
	holds := []string{}
	for _, o := range r.Outcomes {
		if o.Holds {
			holds = append(holds, fmt.Sprintf("%s: %syes%s", o.Mode, green, reset))
		} else {
			holds = append(holds, fmt.Sprintf("%s: %sNO%s", o.Mode, red, reset))
		}
	}
	fmt.Fprintf(w, "claim shown — %s\n", strings.Join(holds, " · "))
	for _, o := range r.Outcomes {
		if len(o.Details) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", o.Mode)
		for _, d := range o.Details {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
}

// labelOf is what the outcome calls a metric, else what its definition does
// (a recording without labels).
func labelOf(m scenario.Metric) string {
	if d, ok := scenario.MetricOf(m.Key); ok && m.Label == "" {
		return d.Label
	}
	return m.Label
}

// metricKeys are the keys of every outcome's metrics, first seen first.
func metricKeys(r scenario.Run) []scenario.MetricKey {
	var keys []scenario.MetricKey
	seen := map[scenario.MetricKey]bool{}
	for _, o := range r.Outcomes {
		for _, m := range o.Metrics {
			if !seen[m.Key] {
				seen[m.Key] = true
				keys = append(keys, m.Key)
			}
		}
	}
	return keys
}

// MetricValue formats a metric with its unit, as the report does.
func MetricValue(m scenario.Metric) string { return kit.FormatValue(m.Value, m.Unit) }
