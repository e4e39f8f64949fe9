package comparereport

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// TestEveryKeyReadIsProduced: a metric the report reads but no scenario
// produces would leave a chart or a question silently empty. The questions
// and headlines come from the definitions (kit.Check holds them to the keys
// their scenario records); the charts name the load metrics themselves.
func TestEveryKeyReadIsProduced(t *testing.T) {
	for _, err := range kit.Check(scenario.All) {
		t.Error(err)
	}
	for _, bm := range append(latencyBars, barMetric{key: kit.SuccessPct.Key}) {
		if _, ok := scenario.MetricOf(bm.key); !ok {
			t.Errorf("a chart reads %s, which no scenario produces", bm.key)
		}
	}
	for _, q := range kit.Questions {
		if len(answersTo(q.Question)) == 0 {
			t.Errorf("question %q has no evidence", q.Ask)
		}
	}
}

// TestSummaryReadsTheDefinitions: the summary row takes a scenario's
// headline metrics in its definition's order and names them by their short
// labels; a scenario it does not know shows its first metrics by their labels.
func TestSummaryReadsTheDefinitions(t *testing.T) {
	o := scenario.Outcome{Scenario: "dual-write", Metrics: []scenario.Metric{
		{Key: "attempts_outbox", Label: "outbox: orders attempted", Value: 4, Unit: "orders"},
		{Key: "stuck_pending_outbox", Label: "outbox: PENDING for good", Value: 0, Unit: "orders"},
		{Key: "stuck_pending_direct", Label: "direct publish: PENDING for good", Value: 1, Unit: "orders"},
	}}
	if got, want := keyNumbers(o), "lost (dual write) 1 order · lost (outbox) 0 orders"; got != want {
		t.Errorf("keyNumbers = %q, want %q", got, want)
	}
	o.Scenario = "not-a-scenario"
	if got := keyNumbers(o); !strings.HasPrefix(got, "attempted (outbox) 4 orders · lost (outbox) 0 orders") {
		t.Errorf("an unknown scenario's summary = %q", got)
	}
	o.Metrics = []scenario.Metric{{Key: "made_up", Label: "a made-up number", Value: 3}}
	if got := keyNumbers(o); got != "a made-up number 3" {
		t.Errorf("an undefined metric's summary = %q", got)
	}
	if got := shortValue(scenario.Metric{Key: "totals_match", Value: 1}); got != "yes" {
		t.Errorf("a yes/no metric = %q, want yes", got)
	}
}
