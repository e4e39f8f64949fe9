package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/stats"
)

// p99MinN is the fewest samples whose p99 is not simply their maximum: by
// nearest rank, the 99th percentile of fewer than 100 values is the largest.
const p99MinN = 100

// Pct is the p-th percentile (50 or 99) of s with its sample count, "–"
// without samples, and "max X (n=N)" for a p99 of fewer than p99MinN.
func Pct(s stats.Summary, p int) string {
	switch {
	case s.N == 0:
		return "–"
	case p == 99 && s.N < p99MinN:
		return fmt.Sprintf("max %s (n=%d)", stats.Ms(s.Max), s.N)
	case p == 99:
		return fmt.Sprintf("%s (n=%d)", stats.Ms(s.P99), s.N)
	}
	return fmt.Sprintf("%s (n=%d)", stats.Ms(s.P50), s.N)
}

// Pct99Label is Pct(s, 99) said in a sentence: "p99 X (n=N)", or
// "max X (n=N)" when N is too small for a p99 that differs from the maximum.
func Pct99Label(s stats.Summary) string {
	if s.N == 0 || s.N < p99MinN {
		return Pct(s, 99)
	}
	return "p99 " + Pct(s, 99)
}

// Print writes the result side by side: a column per target.
func Print(w io.Writer, r Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label string, f func(TargetResult) string) {
		cells := []string{label}
		for _, t := range r.Targets {
			cells = append(cells, f(t))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	row("", func(t TargetResult) string {
		if t.Baseline {
			return t.Name + " (baseline)"
		}
		return t.Name
	})
	row("max sustainable", func(t TargetResult) string {
		s := fmt.Sprintf("%g %s", t.Ceiling.Max, t.Unit)
		switch {
		case t.Ceiling.ReachedMax:
			s = "≥ " + s + " (--max)"
		case t.Ceiling.Max == 0:
			s = fmt.Sprintf("< %g %s", r.Config.Start, t.Unit)
		}
		return s
	})
	row("lowest rate past it", func(t TargetResult) string {
		if t.Ceiling.PastRate > 0 {
			return fmt.Sprintf("%g: %s", t.Ceiling.PastRate, t.Ceiling.PastWhy)
		}
		return "–"
	})
	row("measured at (½ max)", func(t TargetResult) string {
		s := fmt.Sprintf("%g %s, %d sent", t.Measured.Rate, t.Unit, t.Measured.Sent)
		if !t.Measured.Sustainable {
			s += " — NOT sustainable: " + t.Measured.Why
		}
		return s
	})
	row("answer p50", func(t TargetResult) string { return Pct(t.Measured.Response, 50) })
	row("answer p99", func(t TargetResult) string { return Pct(t.Measured.Response, 99) })
	row("consistent / end-to-end p50", func(t TargetResult) string { return Pct(t.Measured.Latency, 50) })
	row("consistent / end-to-end p99", func(t TargetResult) string { return Pct(t.Measured.Latency, 99) })
	row("per hop p50 / p99", func(t TargetResult) string {
		if t.Measured.Hop.N == 0 {
			return "–"
		}
		return Pct(t.Measured.Hop, 50) + " / " + Pct(t.Measured.Hop, 99)
	})
	row("backlog drain", func(t TargetResult) string {
		switch {
		case t.Drain != nil:
			return DrainText(*t.Drain)
		case t.DrainNote != "":
			return "n/a: " + t.DrainNote
		}
		return "–"
	})
	for _, proc := range processes(r) {
		row("CPU s / 1,000 orders: "+proc, func(t TargetResult) string {
			if u, ok := usageOf(t, proc); ok {
				return fmt.Sprintf("%.2f (idle %.0f ms/s)", u.CPUSecondsPer1k, u.IdleCPUMsPerSec)
			}
			return resourceGap(t)
		})
		row("peak RSS: "+proc, func(t TargetResult) string {
			if u, ok := usageOf(t, proc); ok {
				s := fmt.Sprintf("%.0f MiB", u.PeakRSSMiB)
				if u.PeakSinceStart {
					s += " (since start)"
				}
				return s
			}
			return resourceGap(t)
		})
	}
	if len(processes(r)) == 0 {
		row("CPU and peak RSS", resourceGap)
	}
	tw.Flush()
	for _, l := range Ratios(r) {
		fmt.Fprintln(w, l)
	}
}

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
