package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/scenario"
)

// ScenarioList writes `scenario list`: each scenario in one line.
func ScenarioList(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range scenario.All {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Summary)
	}
	tw.Flush()
}

// ScenarioRun writes one scenario's result: the claim, the verdict line,
// every metric side by side per mode, and the details.
func ScenarioRun(w io.Writer, r scenario.Run) {
	fmt.Fprintf(w, "\n== %s ==\n", r.Scenario)
	fmt.Fprintf(w, "claim:   %s\n", r.Claim)
	fmt.Fprintf(w, "verdict: %s\n\n", r.Verdict())
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
			label = m.Label
			cells = append(cells, MetricValue(m))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", label, strings.Join(cells, "\t"))
	}
	holds := []string{}
	for _, o := range r.Outcomes {
		holds = append(holds, map[bool]string{true: "yes", false: "NO"}[o.Holds])
	}
	fmt.Fprintf(tw, "claim shown\t%s\t\n", strings.Join(holds, "\t"))
	tw.Flush()
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

// metricKeys are the keys of every outcome's metrics, first seen first.
func metricKeys(r scenario.Run) []string {
	var keys []string
	seen := map[string]bool{}
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

// MetricValue formats a metric with its unit.
func MetricValue(m scenario.Metric) string {
	switch m.Unit {
	case "ms":
		return Ms(m.Value)
	case "%":
		return strconv.FormatFloat(m.Value, 'f', 0, 64) + " %"
	case "":
		return strconv.FormatFloat(m.Value, 'f', -1, 64)
	case "EUR", "USD":
		return fmt.Sprintf("%.2f %s", m.Value, m.Unit)
	default:
		return strconv.FormatFloat(m.Value, 'f', -1, 64) + " " + m.Unit
	}
}
