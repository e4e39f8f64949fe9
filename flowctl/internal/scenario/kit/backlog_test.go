package kit

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestTheLogIsTheTargetsStack: a backlog, a topic and a group are asked of
// the stack the target is, by its saga style: the orchestrated stack's
// inventory-svc reads its command topic under "orch.", not orders.v1.
func TestTheLogIsTheTargetsStack(t *testing.T) {
	e := &Env{TopicPrefix: "ws."}
	tests := []struct {
		mode     stackmode.Mode
		consumes []string
		group    string
		orders   string
	}{
		{stackmode.Events, []string{"ws." + events.TopicOrders, "ws." + events.TopicInvoicing}, "ws.inventory-svc.events", "ws.orders.v1"},
		{stackmode.Orchestration, []string{"ws.orch." + events.TopicInventoryCommands}, "ws.orch.inventory-svc.events", "ws.orch.orders.v1"},
	}
	for _, tt := range tests {
		tg := Target{Mode: tt.mode}
		if got := e.Consumes(tg, topology.InventorySvc); !slices.Equal(got, tt.consumes) {
			t.Errorf("%s: inventory-svc consumes %v, want %v", tt.mode, got, tt.consumes)
		}
		if got := e.Log(tg).Group(topology.InventorySvc); got != tt.group {
			t.Errorf("%s: group %q, want %q", tt.mode, got, tt.group)
		}
		if got := e.Topic(tg, events.TopicOrders); got != tt.orders {
			t.Errorf("%s: orders topic %q, want %q", tt.mode, got, tt.orders)
		}
	}
	if got := e.Consumes(Target{Mode: stackmode.Orchestration}, "no-such-svc"); got != nil {
		t.Errorf("an unknown service consumes %v", got)
	}
}

// TestNoBacklogWithoutABroker: sync has no log to ask, nor a stack whose
// broker flowctl has no address of.
func TestNoBacklogWithoutABroker(t *testing.T) {
	e := &Env{TopicPrefix: "ws."}
	for _, m := range stackmode.All {
		if _, ok := e.Backlog(t.Context(), Target{Mode: m}, topology.InventorySvc); ok {
			t.Errorf("%s: a backlog without brokers", m)
		}
	}
}
