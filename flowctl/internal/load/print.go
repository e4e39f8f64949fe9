package load

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/stats"
)

// Print writes each stack's summary side by side, with the sample count of
// every distribution.
func Print(w io.Writer, rs []StackResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label string, f func(StackResult) string) {
		cells := []string{label}
		for _, r := range rs {
			cells = append(cells, f(r))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	row("", func(r StackResult) string { return r.Mode })
	row("orders", func(r StackResult) string {
		return fmt.Sprintf("%d at %.1f/s", r.Summary.Orders, r.Summary.RatePerSec)
	})
	row("accepted (2xx) / created", func(r StackResult) string {
		return fmt.Sprintf("%d / %d", r.Summary.Accepted, r.Summary.Created)
	})
	row("statuses", func(r StackResult) string { return StatusCounts(r.Summary.ByStatus) })
	row("placement p50 / p90 / p99 / max", func(r StackResult) string { return quartet(r.Summary.Placement) })
	row("time to consistency p50 / p90 / p99 / max", func(r StackResult) string { return quartet(r.Summary.TimeToFinal) })
	row("not final at the end", func(r StackResult) string { return fmt.Sprint(r.Summary.NotFinal) })
	row("sent late (too many in flight)", func(r StackResult) string { return fmt.Sprint(r.Slipped) })
	fmt.Fprintln(w)
	tw.Flush()
	printLedgers(w, rs)
}

// quartet is p50/p90/p99/max and the sample count they come from; below
// stats.P99MinN samples the p99 is the max, so it is shown as "–".
func quartet(s stats.Summary) string {
	if s.N == 0 {
		return "–"
	}
	p99 := stats.Ms(s.P99)
	if stats.TailName(s) != "p99" {
		p99 = "–"
	}
	return fmt.Sprintf("%s / %s / %s / %s (n=%d)", stats.Ms(s.P50), stats.Ms(s.P90), p99, stats.Ms(s.Max), s.N)
}

// StatusCounts is "CONFIRMED 18 · REJECTED 2".
func StatusCounts(m map[string]int) string {
	var parts []string
	for _, k := range []string{"CONFIRMED", "REJECTED", "FAILED", "PENDING", "NOT PLACED"} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, " · ")
}
