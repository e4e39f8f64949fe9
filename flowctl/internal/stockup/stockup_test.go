package stockup

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
)

// fakeInventory keeps available stock per SKU and records the movements.
type fakeInventory struct {
	available map[string]int
	moves     []string
	refs      map[string]bool
}

func (f *fakeInventory) StockOf(_ context.Context, sku string) (api.StockItem, error) {
	a, ok := f.available[sku]
	if !ok {
		return api.StockItem{}, errors.New("404 Not Found: SKU " + sku + " is not stocked")
	}
	return api.StockItem{SKU: sku, Available: a}, nil
}

func (f *fakeInventory) Receive(_ context.Context, sku string, qty int, ref string) (api.Movement, error) {
	f.note(ref)
	f.available[sku] += qty
	f.moves = append(f.moves, "receive "+sku)
	return api.Movement{SKU: sku, Reference: ref}, nil
}

func (f *fakeInventory) Adjust(_ context.Context, sku string, delta int, reason, ref string) (api.Movement, error) {
	f.note(ref)
	if reason == "" {
		return api.Movement{}, errors.New("adjustment without a reason")
	}
	f.available[sku] += delta
	f.moves = append(f.moves, "adjust "+sku)
	return api.Movement{SKU: sku, Reference: ref}, nil
}

func (f *fakeInventory) note(ref string) {
	if f.refs == nil {
		f.refs = map[string]bool{}
	}
	f.refs[ref] = true
}

func TestNeedSumsUnitsPerSKU(t *testing.T) {
	reqs := []api.PlaceRequest{
		{Items: []api.Line{{SKU: "A", Qty: 2}, {SKU: "B", Qty: 1}}},
		{Items: []api.Line{{SKU: "A", Qty: 3}}},
	}
	need := Need(2, func(i int) api.PlaceRequest { return reqs[i] })
	if need["A"] != 5 || need["B"] != 1 || len(need) != 2 {
		t.Fatalf("Need = %v, want A:5 B:1", need)
	}
}

func TestEnsure(t *testing.T) {
	ctx := context.Background()
	inv := &fakeInventory{available: map[string]int{"A": 0, "B": 50, "S": 9}}
	line, err := Ensure(ctx, inv, "happy-path-events", Plan{AtLeast: map[string]int{"A": 12, "B": 10, "S": 5}, Exactly: map[string]int{"S": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.available["A"] != 12 || inv.available["B"] != 50 || inv.available["S"] != 3 {
		t.Errorf("after Ensure: %v, want A 12 (received), B untouched at 50, S exactly 3", inv.available)
	}
	for _, want := range []string{"A 0 → 12 (receipt +12)", "S 9 → 3 (adjustment -6)", "enough of B"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q does not say %q", line, want)
		}
	}
	if strings.Contains(line, "\n") {
		t.Errorf("more than one line: %q", line)
	}
	for ref := range inv.refs {
		if !strings.HasPrefix(ref, "flowctl-happy-path-events-") {
			t.Errorf("reference %q does not name the run", ref)
		}
	}

	// Again: nothing to move, and a scarce SKU below its level is raised to it.
	inv.moves = nil
	inv.available["S"] = 1
	if _, err := Ensure(ctx, inv, "again", Plan{AtLeast: map[string]int{"A": 12}, Exactly: map[string]int{"S": 3}}); err != nil {
		t.Fatal(err)
	}
	if len(inv.moves) != 1 || inv.moves[0] != "receive S" || inv.available["S"] != 3 {
		t.Errorf("second run moved %v (S=%d), want only a receipt of S up to 3", inv.moves, inv.available["S"])
	}

	if _, err := Ensure(ctx, inv, "x", Plan{AtLeast: map[string]int{"NOPE": 1}}); err == nil || !strings.Contains(err.Error(), "stock of NOPE") {
		t.Errorf("unknown SKU: %v, want an error naming it", err)
	}
}
