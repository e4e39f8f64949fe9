package topology_test

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/topology"
)

// TestFraudCheckChange: turning the check on restarts, per style, exactly
// the services whose wiring the table changes (sync: order-svc's chain;
// choreography: the downstream consumers; orchestration: the orchestrator)
// and starts fraud-svc when the stack ran without it.
func TestFraudCheckChange(t *testing.T) {
	without := func(all []topology.Service) []topology.Service {
		return slices.DeleteFunc(slices.Clone(all), func(s topology.Service) bool { return s.Name == topology.FraudSvc })
	}
	choreoOff, _ := topology.System(topology.Choreography, false)
	choreoOn, _ := topology.System(topology.Choreography, true)
	orchOff, _ := topology.System(topology.Orchestration, false)
	orchOn, _ := topology.System(topology.Orchestration, true)
	cases := []struct {
		name      string
		off, on   []topology.Service
		restarted []string
	}{
		{"sync", topology.SyncSystem(false), topology.SyncSystem(true), []string{topology.OrderSvc}},
		{"choreography", choreoOff, choreoOn, []string{topology.InventorySvc, topology.InvoicingSvc}},
		{"orchestration", orchOff, orchOn, []string{topology.OrderSvc}},
	}
	for _, c := range cases {
		got := topology.Diff(without(c.off), c.on)
		if !slices.Equal(got.Started, []string{topology.FraudSvc}) || !slices.Equal(got.Restarted, c.restarted) || len(got.Stopped) != 0 {
			t.Errorf("%s: on = %+v, want fraud-svc started and %v restarted", c.name, got, c.restarted)
		}
		back := topology.Diff(c.on, without(c.off))
		if !slices.Equal(back.Stopped, []string{topology.FraudSvc}) || !slices.Equal(back.Restarted, c.restarted) || len(back.Started) != 0 {
			t.Errorf("%s: off again = %+v, want fraud-svc stopped and %v restarted", c.name, back, c.restarted)
		}
		if same := topology.Diff(c.on, c.on); len(same.Touched()) != 0 {
			t.Errorf("%s: no change touched %v", c.name, same.Touched())
		}
	}
}

// TestDiffSeesACallChange: a service whose calls alone differ restarts.
func TestDiffSeesACallChange(t *testing.T) {
	a := []topology.Service{{Name: "x", Calls: []string{"y"}}}
	b := []topology.Service{{Name: "x", Calls: []string{"y", "z"}}}
	if got := topology.Diff(a, b).Restarted; !slices.Equal(got, []string{"x"}) {
		t.Errorf("restarted %v, want [x]", got)
	}
}
