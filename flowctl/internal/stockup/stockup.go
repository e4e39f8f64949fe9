// Package stockup brings the SKUs a run orders to the level it needs before
// it places anything, through inventory-svc's goods receipts and stock
// adjustments — the way a warehouse would, never through a database — so a
// scenario's result does not depend on what ran before it.
package stockup

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orderflow/flowctl/internal/api"
)

// Inventory is what stockup asks of inventory-svc (*api.Inventory).
type Inventory interface {
	StockOf(ctx context.Context, sku string) (api.StockItem, error)
	Receive(ctx context.Context, sku string, qty int, reference string) (api.Movement, error)
	Adjust(ctx context.Context, sku string, delta int, reason, reference string) (api.Movement, error)
}

// Need sums, per SKU, the units n orders of req ask for.
func Need(n int, req func(int) api.PlaceRequest) map[string]int {
	need := map[string]int{}
	for i := range n {
		for _, l := range req(i).Items {
			need[l.SKU] += l.Qty
		}
	}
	return need
}

// Plan is the stock a run needs: at least AtLeast[sku] available of each SKU it
// orders, and exactly Exactly[sku] of each SKU whose scarcity is the lesson (an
// SKU in both is set exactly).
type Plan struct {
	AtLeast map[string]int
	Exactly map[string]int
}

// Ensure applies the plan and returns one line saying what it did. label
// names the run in the movements' references, so the stock history says who
// moved the goods and why.
func Ensure(ctx context.Context, inv Inventory, label string, p Plan) (string, error) {
	run := label + "-" + uuid.NewString()[:8]
	var moved, enough []string
	skus := slices.Sorted(maps.Keys(p.AtLeast))
	for _, sku := range slices.Sorted(maps.Keys(p.Exactly)) {
		if _, ok := p.AtLeast[sku]; !ok {
			skus = append(skus, sku)
		}
	}
	for _, sku := range skus {
		it, err := inv.StockOf(ctx, sku)
		if err != nil {
			return "", fmt.Errorf("stock of %s: %w", sku, err)
		}
		ref := "flowctl-" + run + "-" + sku
		want, exact := p.Exactly[sku]
		if !exact {
			want = p.AtLeast[sku]
		}
		switch delta := want - it.Available; {
		case delta > 0:
			if _, err := inv.Receive(ctx, sku, delta, ref); err != nil {
				return "", fmt.Errorf("goods receipt of %d × %s: %w", delta, sku, err)
			}
			moved = append(moved, fmt.Sprintf("%s %d → %d (receipt +%d)", sku, it.Available, want, delta))
		case delta < 0 && exact:
			reason := fmt.Sprintf("%s needs exactly %d available", label, want)
			if _, err := inv.Adjust(ctx, sku, delta, reason, ref); err != nil {
				return "", fmt.Errorf("adjust %s by %d: %w", sku, delta, err)
			}
			moved = append(moved, fmt.Sprintf("%s %d → %d (adjustment %d)", sku, it.Available, want, delta))
		case exact:
			moved = append(moved, fmt.Sprintf("%s exactly %d already", sku, want))
		default:
			enough = append(enough, sku)
		}
	}
	var parts []string
	if len(moved) > 0 {
		parts = append(parts, strings.Join(moved, ", "))
	}
	if len(enough) > 0 {
		parts = append(parts, "enough of "+strings.Join(enough, ", "))
	}
	return fmt.Sprintf("stock for %s: %s", label, strings.Join(parts, "; ")), nil
}
