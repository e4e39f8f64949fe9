package kit

import (
	"fmt"
	"math"

	"github.com/orderflow/flowctl/internal/stats"
)

// The helpers an Answer's Says builds its words with, from an outcome's
// recorded metrics, so a recorded run reads the same as a new one.

// Count is metric d of o as a whole number; false when o lacks it.
func (o Outcome) Count(d MetricDef) (int, bool) {
	m, ok := o.Metric(d.Key)
	if !ok || math.IsNaN(m.Value) {
		return 0, false
	}
	return int(math.Round(m.Value)), true
}

// OrdersOf is the share pct (a metric in %) of the outcome's orders
// attempted, as "k of n orders"; false when o lacks either.
func (o Outcome) OrdersOf(pct MetricDef) (string, bool) {
	n, okN := o.Count(Orders)
	p, okP := o.Metric(pct.Key)
	if !okN || !okP || math.IsNaN(p.Value) {
		return "", false
	}
	return stats.Of(int(math.Round(p.Value*float64(n)/100)), n, "orders"), true
}

// Spread is "p50 13 ms / max 20 ms (n=20)" for a p50, a tail and their
// sample size; false when o lacks one of them.
func (o Outcome) Spread(p50, tail MetricDef) (string, bool) {
	m50, ok50 := o.Metric(p50.Key)
	mt, okT := o.Metric(tail.Key)
	n, okN := o.Count(MetricDef{Key: tail.N})
	if !ok50 || !okT || !okN || n == 0 {
		return "", false
	}
	return fmt.Sprintf("p50 %s / %s %s (%s)", stats.Ms(m50.Value), stats.TailName(stats.Summary{N: n}), stats.Ms(mt.Value), stats.N(n)), true
}

// Ms is metric d of o as a duration; false when o lacks it.
func (o Outcome) Ms(d MetricDef) (string, bool) {
	m, ok := o.Metric(d.Key)
	if !ok || math.IsNaN(m.Value) {
		return "", false
	}
	return stats.Ms(m.Value), true
}
