package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/stats"
)

// Pct and Pct99Label are stats.Pct and stats.Pct99Label: the bench and the
// scenarios print percentiles the same way.
var (
	Pct        = stats.Pct
	Pct99Label = stats.Pct99Label
)

// Print writes the result side by side: a column per target.
func Print(w io.Writer, r Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	rows := slices.Concat(ceilingRows(r), latencyRows(), resourceRows(r))
	for _, row := range rows {
		cells := []string{row.label}
		for _, t := range r.Targets {
			cells = append(cells, row.cell(t))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	for _, l := range Ratios(r) {
		fmt.Fprintln(w, l)
	}
	printLedgers(w, r)
}

// tableRow is one row of Print's table: its label and each target's cell.
type tableRow struct {
	label string
	cell  func(TargetResult) string
}

// ceilingRows name the targets and say how far each went: its ceiling, the
// first rate past it and the measured run at half of it.
func ceilingRows(r Result) []tableRow {
	return []tableRow{
		{"", func(t TargetResult) string {
			if t.Baseline {
				return t.Name + " (baseline)"
			}
			return t.Name
		}},
		{"max sustainable", func(t TargetResult) string {
			s := fmt.Sprintf("%g %s", t.Ceiling.Max, t.Unit)
			switch {
			case t.Ceiling.ReachedMax:
				s = "≥ " + s + " (--max)"
			case t.Ceiling.Max == 0:
				s = fmt.Sprintf("< %g %s", r.Config.Start, t.Unit)
			}
			return s
		}},
		{"replicas · cores", func(t TargetResult) string {
			if r.Cores == 0 && !r.Remote {
				return "not recorded"
			}
			if t.Baseline {
				return fmt.Sprintf("– · %s", coresText(t, r.Cores))
			}
			return replicasText(t.Replicas) + " · " + coresText(t, r.Cores)
		}},
		{"lowest rate past it", func(t TargetResult) string {
			if t.Ceiling.PastRate > 0 {
				return fmt.Sprintf("%g: %s", t.Ceiling.PastRate, t.Ceiling.PastWhy)
			}
			return "–"
		}},
		{"measured at (½ max)", func(t TargetResult) string {
			s := fmt.Sprintf("%g %s, %d sent", t.Measured.Rate, t.Unit, t.Measured.Sent)
			if !t.Measured.Sustainable {
				s += " — NOT sustainable: " + t.Measured.Why
			}
			return s
		}},
	}
}

// latencyRows are the measured run's latencies and the backlog drain.
func latencyRows() []tableRow {
	return []tableRow{
		{"answer p50", func(t TargetResult) string { return Pct(t.Measured.Response, 50) }},
		{"answer p99", func(t TargetResult) string { return Pct(t.Measured.Response, 99) }},
		{"consistent / end-to-end p50", func(t TargetResult) string { return Pct(t.Measured.Latency, 50) }},
		{"consistent / end-to-end p99", func(t TargetResult) string { return Pct(t.Measured.Latency, 99) }},
		{"per hop p50 / p99", func(t TargetResult) string {
			if t.Measured.Hop.N == 0 {
				return "–"
			}
			return Pct(t.Measured.Hop, 50) + " / " + Pct(t.Measured.Hop, 99)
		}},
		{"messages / order", func(t TargetResult) string {
			if t.Measured.Messages != nil {
				return MessagesText(*t.Measured.Messages)
			}
			return "–"
		}},
		{"backlog drain", func(t TargetResult) string {
			switch {
			case t.Drain != nil:
				return DrainText(*t.Drain)
			case t.DrainNote != "":
				return "n/a: " + t.DrainNote
			}
			return "–"
		}},
	}
}

// resourceRows are CPU and peak memory per measured process, or one row
// saying why none was measured.
func resourceRows(r Result) []tableRow {
	procs := processes(r)
	if len(procs) == 0 {
		return []tableRow{{"CPU and peak RSS", resourceGap}}
	}
	var rows []tableRow
	for _, proc := range procs {
		rows = append(rows, tableRow{"CPU s / 1,000 orders: " + proc, func(t TargetResult) string {
			if u, ok := usageOf(t, proc); ok {
				return fmt.Sprintf("%.2f (idle %.0f ms/s)", u.CPUSecondsPer1k, u.IdleCPUMsPerSec)
			}
			return resourceGap(t)
		}}, tableRow{"peak RSS: " + proc, func(t TargetResult) string {
			if u, ok := usageOf(t, proc); ok {
				s := fmt.Sprintf("%.0f MiB", u.PeakRSSMiB)
				if u.PeakSinceStart {
					s += " (since start)"
				}
				return s
			}
			return resourceGap(t)
		}})
	}
	return rows
}

// resourceGap is a target's cell where it has no usage: why, or a dash.
func resourceGap(t TargetResult) string {
	if t.Baseline {
		return "–"
	}
	if t.ResourcesNote != "" {
		return t.ResourcesNote
	}
	return "–"
}

// processes are the names of every measured process, in first-seen order.
func processes(r Result) []string {
	var out []string
	for _, t := range r.Targets {
		for _, u := range t.Resources {
			if !slices.Contains(out, u.Process) {
				out = append(out, u.Process)
			}
		}
	}
	return out
}

func usageOf(t TargetResult, proc string) (Usage, bool) {
	for _, u := range t.Resources {
		if u.Process == proc {
			return u, true
		}
	}
	return Usage{}, false
}

// Ratios say each mode's ceiling as a share of each baseline's: how far
// from the bare transport the services are.
func Ratios(r Result) []string {
	var out []string
	for _, m := range r.Targets {
		if m.Baseline || m.Ceiling.Max == 0 {
			continue
		}
		var parts []string
		for _, b := range r.Targets {
			if !b.Baseline || b.Ceiling.Max == 0 {
				continue
			}
			pct := 100 * m.Ceiling.Max / b.Ceiling.Max
			// A ceiling found at --max is only a lower bound of the real one.
			switch {
			case m.Ceiling.ReachedMax && b.Ceiling.ReachedMax:
				parts = append(parts, fmt.Sprintf("not comparable with %s's (both still sustainable at --max)", b.Name))
			case m.Ceiling.ReachedMax:
				parts = append(parts, fmt.Sprintf("at least %.1f %% of %s's", pct, b.Name))
			case b.Ceiling.ReachedMax:
				parts = append(parts, fmt.Sprintf("at most %.1f %% of %s's", pct, b.Name))
			default:
				parts = append(parts, fmt.Sprintf("%.1f %% of %s's", pct, b.Name))
			}
		}
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("%s ceiling: %s", m.Name, strings.Join(parts, ", ")))
		}
	}
	return out
}
