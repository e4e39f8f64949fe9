package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestReplicasOfSaysWhatRan: the bench records the runtime's count, and a
// runtime that ran another count than asked fails the bench.
func TestReplicasOfSaysWhatRan(t *testing.T) {
	rt := &stacktest.Runtime{ReplicaCounts: map[stackmode.Mode]map[string]int{stackmode.Events: {topology.InventorySvc: 3}}}
	want := map[string]int{topology.InventorySvc: 3}
	got, err := replicasOf(context.Background(), rt, stackmode.Events, want)
	if err != nil || got[topology.InventorySvc] != 3 || got[topology.OrderSvc] != 1 {
		t.Fatalf("replicasOf = %v, %v; want inventory-svc 3, order-svc 1", got, err)
	}
	if _, err := replicasOf(context.Background(), rt, stackmode.Sync, want); err == nil || !strings.Contains(err.Error(), "runs 1") {
		t.Errorf("a stack running 1 where 3 were asked: %v", err)
	}
}

func TestPrintSaysReplicasAndCores(t *testing.T) {
	r := Result{Cores: 2, Targets: []TargetResult{
		{Name: "sync", Unit: "orders/s", Replicas: map[string]int{topology.OrderSvc: 1, topology.InventorySvc: 3, topology.InvoicingSvc: 1}},
		{Name: "http 3-hop", Baseline: true, Unit: "requests/s"},
	}}
	var b bytes.Buffer
	Print(&b, r)
	for _, want := range []string{"inventory-svc ×3, the rest 1", "2 cores for 5 service processes: a CPU-bound ceiling cannot rise", "– · 2 cores"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, b.String())
		}
	}
	r.Cores = 8
	b.Reset()
	Print(&b, r)
	if strings.Contains(b.String(), "cannot rise") {
		t.Errorf("8 cores for 5 processes said a ceiling cannot rise:\n%s", b.String())
	}
	r.Cores, r.Remote = 0, true
	b.Reset()
	Print(&b, r)
	if !strings.Contains(b.String(), "cores: unknown (remote runtime)") || strings.Contains(b.String(), "not recorded") {
		t.Errorf("a remote runtime's cores are not said unknown:\n%s", b.String())
	}
}
