package comparereport

import (
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

// TestEveryKeyReadIsProduced: a metric the report reads but no scenario
// produces would leave a chart or a question silently empty.
func TestEveryKeyReadIsProduced(t *testing.T) {
	produced := func(name string, k scenario.MetricKey) bool {
		for _, p := range scenario.Produces[name] {
			if p == k {
				return true
			}
		}
		return false
	}
	anyProduces := func(k scenario.MetricKey) bool {
		for name := range scenario.Produces {
			if produced(name, k) {
				return true
			}
		}
		return false
	}
	for _, q := range questionTable {
		for _, src := range q.from {
			for _, k := range src.keys {
				if !produced(src.scenario, k) {
					t.Errorf("question %q reads %s from %s, which does not produce it", q.ask, k, src.scenario)
				}
			}
		}
	}
	for _, k := range headlineKeys {
		if !anyProduces(k) {
			t.Errorf("headline reads %s, which no scenario produces", k)
		}
	}
	for name, keys := range scenarioHeadline {
		for _, k := range keys {
			if !produced(name, k) {
				t.Errorf("the summary row of %s reads %s, which it does not produce", name, k)
			}
		}
	}
	for _, bm := range append(latencyBars, barMetric{key: scenario.KeySuccessPct}) {
		if !anyProduces(bm.key) {
			t.Errorf("a chart reads %s, which no scenario produces", bm.key)
		}
	}
}
