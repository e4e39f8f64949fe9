package topology_test

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/topology"
)

// TestFraudCheckTable: with the check off every style's table is as before
// plus a fraud-svc on no topic; with it on, choreography changes the
// downstream consumers and orchestration only the orchestrator and fraud-svc.
func TestFraudCheckTable(t *testing.T) {
	for _, style := range topology.Styles {
		base, _ := topology.ServicesFor(style)
		off, err := topology.System(style, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(off[:len(base)], base, sameService) || off[len(base)].Name != topology.FraudSvc ||
			len(off[len(base)].Topics()) != 0 || off[len(base)].PortOffset != 4 {
			t.Errorf("%s, check off: %+v, want %+v and fraud-svc on port offset 4 on no topic", style, off, base)
		}
		on, _ := topology.System(style, true)
		changed := map[string]bool{}
		for i := range base {
			if !sameService(on[i], base[i]) {
				changed[on[i].Name] = true
			}
		}
		want := map[topology.Style][]string{
			topology.Choreography:  {topology.InventorySvc, topology.InvoicingSvc},
			topology.Orchestration: {topology.OrderSvc},
		}[style]
		if got := slices.Sorted(func(yield func(string) bool) {
			for n := range changed {
				yield(n)
			}
		}); !slices.Equal(got, want) {
			t.Errorf("%s, check on: changed %v, want %v", style, got, want)
		}
		produced := map[string]bool{}
		for _, s := range on {
			for _, p := range s.Produces {
				produced[p] = true
			}
		}
		for _, s := range on {
			for _, c := range s.Consumes {
				if !produced[c] {
					t.Errorf("%s, check on: %s consumes %s, which no service produces", style, s.Name, c)
				}
			}
		}
	}
	inv, _ := topology.Place(topology.Choreography, true, topology.InvoicingSvc)
	if slices.Contains(inv.Consumes, "inventory.v1") || !slices.Contains(inv.Consumes, "fraud.v1") {
		t.Errorf("choreography with the check: invoicing-svc consumes %v, want fraud.v1 instead of inventory.v1", inv.Consumes)
	}
	if _, err := topology.Place(topology.Choreography, true, "shipping-svc"); err == nil {
		t.Error("Place(shipping-svc): no error")
	}
}

func sameService(a, b topology.Service) bool {
	return a.Name == b.Name && a.PortOffset == b.PortOffset && slices.Equal(a.Consumes, b.Consumes) && slices.Equal(a.Produces, b.Produces)
}
