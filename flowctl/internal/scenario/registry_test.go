package scenario

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

func TestLookup(t *testing.T) {
	all, err := Lookup([]string{"all"})
	if err != nil || len(all) != 16 || slices.ContainsFunc(all, func(s Scenario) bool { return s.Name == "scale-out" }) {
		t.Fatalf("all: %d scenarios (scale-out, which needs PostgreSQL, left out), %v", len(all), err)
	}
	more, err := Lookup([]string{"all", "scale-out", "replay"})
	if err != nil || len(more) != 17 || more[16].Name != "scale-out" {
		t.Fatalf("all scale-out replay: %d scenarios, the last %q, %v; want 17 (replay once), scale-out last", len(more), more[len(more)-1].Name, err)
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
