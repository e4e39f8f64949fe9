package comparereport

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// TestAnswerWordsComeFromTheDefinition: page 1 answers in the scenario's
// words (kit.Answer.Says) from the recorded metrics, and lists the answer's
// metrics with their units when a recording lacks what the words need.
func TestAnswerWordsComeFromTheDefinition(t *testing.T) {
	down, ok := scenario.Find("downstream-down")
	if !ok {
		t.Fatal("no downstream-down")
	}
	var coupling kit.Answer
	for _, a := range down.Answers {
		if a.Question == kit.Coupling {
			coupling = a
		}
	}
	run := scenario.Run{Scenario: "downstream-down", Outcomes: []scenario.Outcome{
		{Mode: "sync", Metrics: []scenario.Metric{{Key: "orders", Value: 254, Unit: "orders"},
			{Key: "accepted_pct", Value: 0, Unit: "%"}, {Key: "success_pct", Value: 0, Unit: "%"}}},
		{Mode: "events", Metrics: []scenario.Metric{{Key: "success_pct", Label: "confirmed", Value: 100, Unit: "%"}}},
	}}
	row := answerRowOf(run, coupling, []string{"sync", "events"})
	if want := "0 of 254 orders accepted while inventory-svc was down; 0 of 254 orders confirmed"; row.Cells[0] != want {
		t.Errorf("sync's answer = %q, want %q", row.Cells[0], want)
	}
	// The events recording has no order count: its words cannot say
	// "k of n", so the metric is listed with its unit instead.
	if !strings.HasPrefix(row.Cells[1], "confirmed 100%") {
		t.Errorf("events' answer without the words' numbers = %q", row.Cells[1])
	}
	if row.Anchor != "downstream-down" {
		t.Errorf("anchor %q", row.Anchor)
	}
}
