package scaleout

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// keptUp is the share of the offered rate a window's throughput must reach
// for its replicas to count as keeping up with the load.
const keptUp = 0.95

// offered is "X of Y offered/s": what a window got through against what
// was sent at it.
func offered(got, rate float64) string {
	return fmt.Sprintf("%s of %s offered/s", kit.Number(got), kit.Number(rate))
}

// throughputText is the verdict's steady windows: each one's orders final
// against the offered rate, placement p50 with n, and whether the load was
// near one replica's ceiling (else three cannot show more).
func throughputText(w windows, rate float64) string {
	if !w.okOne || !w.okThree {
		return "the steady windows were not both measured"
	}
	s := fmt.Sprintf("%s final with 1 replica (placement p50 %s, n=%d), %s with %d (p50 %s, n=%d)",
		offered(w.one.Throughput(), rate), stats.Ms(stats.Percentile(w.one.Placement, 50)), len(w.one.Placement),
		offered(w.three.Throughput(), rate), w.three.Replicas, stats.Ms(stats.Percentile(w.three.Placement, 50)), len(w.three.Placement))
	return s + "; " + ceilingText(w.one.Throughput(), rate)
}

// ceilingText says whether the offered load was near one replica's
// ceiling: one replica that kept up was below it, so three could not show
// more.
func ceilingText(one, rate float64) string {
	if rate > 0 && one >= keptUp*rate {
		return "1 replica kept up with the offered load, so it ran below its ceiling and 3 could not show more: raise --rate to near its ceiling (`flowctl bench`)"
	}
	return "1 replica fell short of the offered load: near or past its ceiling, where replicas can show what they add"
}

func rate(v float64) string { return kit.FormatValue(v, string(kit.UnitRate)) }

func failedText(p phase, ok bool) string {
	if !ok {
		return "not reached"
	}
	return fmt.Sprintf("%d of %d orders failed", p.Failed, p.Sent)
}

func longestText(ttc []float64, longest float64) string {
	if len(ttc) == 0 {
		return "no order sent during a change was confirmed"
	}
	return fmt.Sprintf("orders sent during the changes final after at most %s (n=%d)", stats.Ms(longest), len(ttc))
}

// phaseLine is one window as the details list it: what was sent and
// failed, what got through (a steady window's against the offered rate),
// placement and (events) the slowest to become final — a rebalance right
// after a change shows in the next window's.
func phaseLine(p phase, offeredRate float64) string {
	v, name := p.P95()
	through := rate(p.Throughput()) + " final"
	if p.Name == WindowOne || p.Name == WindowThree || p.Name == WindowAfter {
		through = offered(p.Throughput(), offeredRate) + " final"
	}
	line := fmt.Sprintf("%s (%s, %d %s): %d sent, %d failed, %s; placement p50 %s, %s %s (n=%d)",
		p.Name, stats.Duration(p.Took()), p.Replicas, kit.Plural(p.Replicas, "replica"), p.Sent, p.Failed,
		through, stats.Ms(stats.Percentile(p.Placement, 50)), name, stats.Ms(v), len(p.Placement))
	if len(p.TTC) > 0 {
		line += fmt.Sprintf("; final after at most %s (n=%d)", stats.Ms(stats.Summarize(p.TTC).Max), len(p.TTC))
	}
	return line
}
