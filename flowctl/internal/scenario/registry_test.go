package scenario

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

func TestLookup(t *testing.T) {
	all, err := Lookup([]string{"all"})
	if err != nil || len(all) != 16 {
		t.Fatalf("all: %d scenarios, %v", len(all), err)
	}
	two, err := Lookup([]string{"replay", "broker-down"})
	if err != nil || len(two) != 2 || two[0].Name != "replay" || two[1].Name != "broker-down" {
		t.Fatalf("Lookup kept neither the names nor their order: %v %v", two, err)
	}
	_, err = Lookup([]string{"happy-path", "nope"})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "scenario list") {
		t.Errorf("unknown scenario: %v", err)
	}
}

// TestEveryScenarioExplainsItself: each scenario runs, says its summary and
// claim, and defines every metric it can record with a label, a short label
// and a unit, one way only; its headline and its answers to the questions
// name only metrics it records, and every question has an answer
// (kit.Check, whose own test breaks each of these on purpose).
func TestEveryScenarioExplainsItself(t *testing.T) {
	for _, err := range kit.Check(All) {
		t.Error(err)
	}
}

func TestMetricOf(t *testing.T) {
	m, ok := MetricOf("stuck_pending_direct")
	if !ok || m.Short != "lost (dual write)" || m.Unit != kit.UnitOrders {
		t.Errorf("stuck_pending_direct = %+v, %v", m, ok)
	}
	if _, ok := MetricOf("nobody_records_this"); ok {
		t.Error("a key no scenario records has a definition")
	}
}
