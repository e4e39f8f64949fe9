package comparereport

import (
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// keyNumbers is an outcome in a few numbers: the first three of its
// scenario's headline metrics it has (the definition's order), else its
// first three metrics.
func keyNumbers(o scenario.Outcome) string {
	var picked []scenario.Metric
	if s, ok := scenario.Find(o.Scenario); ok {
		for _, k := range s.Headline {
			if m, ok := o.Metric(k); ok && len(picked) < 3 {
				picked = append(picked, m)
			}
		}
	}
	if len(picked) == 0 {
		picked = o.Metrics[:min(3, len(o.Metrics))]
	}
	if len(picked) == 0 {
		return "no metrics"
	}
	parts := make([]string, len(picked))
	for i, m := range picked {
		n, hasN := sampleSize(o, m.Key)
		parts[i] = shortLabel(m, n) + " " + shortValue(m)
		if hasN {
			parts[i] += " (" + stats.N(n) + ")"
		}
	}
	return strings.Join(parts, " · ")
}

// valueWithN is a metric's value with its unit and, when it is a statistic
// over samples, their n: "20 ms (n=40)".
func valueWithN(o scenario.Outcome, m scenario.Metric) string {
	v := shortValue(m)
	// A label of the run's own may say its n already: "… p50 (n=20)".
	if n, ok := sampleSize(o, m.Key); ok && !strings.Contains(m.Label, "(n=") {
		v += " (" + stats.N(n) + ")"
	}
	return v
}

// sampleSize is the n of the samples metric k is a statistic over, when its
// definition names one and the outcome recorded it.
func sampleSize(o scenario.Outcome, k scenario.MetricKey) (int, bool) {
	d, ok := scenario.MetricOf(k)
	if !ok || d.N == "" {
		return 0, false
	}
	m, ok := o.Metric(d.N)
	return int(m.Value), ok
}

// shortLabel names a metric in a word or two for the summary: its
// definition's short label (a tail's says "max" below 100 samples), else
// what the outcome calls it.
func shortLabel(m scenario.Metric, n int) string {
	if d, ok := scenario.MetricOf(m.Key); ok {
		return d.ShortAt(n)
	}
	return labelOf(m)
}

// labelIn is labelOf for a metric of o: a tail recorded as "p99" over
// fewer than 100 samples is called the max it is (a nearest-rank p99 of 40
// samples is their largest), so no "p99" stands beside an n < 100.
func labelIn(o scenario.Outcome, m scenario.Metric) string {
	label := labelOf(m)
	d, ok := scenario.MetricOf(m.Key)
	if n, hasN := sampleSize(o, m.Key); ok && d.Tail && hasN && n < stats.P99MinN {
		label = strings.Replace(label, "p99", "max", 1)
	}
	return label
}

// labelOf is what the outcome calls a metric; a recording without a label
// falls back to the definition's, then to the key.
func labelOf(m scenario.Metric) string {
	if m.Label != "" {
		return m.Label
	}
	if d, ok := scenario.MetricOf(m.Key); ok {
		return d.Label
	}
	return string(m.Key)
}

// yesNo says a metric is a yes (1) or a no (0), by its definition.
func yesNo(k scenario.MetricKey) bool {
	d, ok := scenario.MetricOf(k)
	return ok && d.Unit == kit.UnitYesNo
}
