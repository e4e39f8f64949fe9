package stack

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestFraudChangePerStack: the restart set comes from the topology per
// stack, fraud-svc starts with the check and stops without it.
func TestFraudChangePerStack(t *testing.T) {
	want := map[stackmode.Mode][]string{
		stackmode.Sync:          {topology.OrderSvc},
		stackmode.Events:        {topology.InventorySvc, topology.InvoicingSvc},
		stackmode.Orchestration: {topology.OrderSvc},
	}
	for _, m := range stackmode.All {
		on := FraudChange(m, true)
		if !slices.Equal(on.Started, []string{topology.FraudSvc}) || !slices.Equal(on.Restarted, want[m]) || len(on.Stopped) > 0 {
			t.Errorf("%s on: %+v, want fraud-svc started, %v restarted", m, on, want[m])
		}
		off := FraudChange(m, false)
		if !slices.Equal(off.Stopped, []string{topology.FraudSvc}) || !slices.Equal(off.Restarted, want[m]) || len(off.Started) > 0 {
			t.Errorf("%s off: %+v, want fraud-svc stopped, %v restarted", m, off, want[m])
		}
	}
	if got := Deployed(false); slices.Contains(got, topology.FraudSvc) {
		t.Errorf("without the check the stack runs %v", got)
	}
}

// TestFraudSvcPort: fraud-svc is on its topology offset in every stack.
func TestFraudSvcPort(t *testing.T) {
	for m, want := range map[stackmode.Mode]int{stackmode.Sync: 8084, stackmode.Events: 8184, stackmode.Orchestration: 8284} {
		if got := ServicePort(topology.DefaultPortBase, m, topology.FraudSvc); got != want {
			t.Errorf("%s: fraud-svc on %d, want %d", m, got, want)
		}
	}
}
