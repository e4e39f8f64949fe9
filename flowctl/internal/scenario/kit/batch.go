package kit

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stockup"
)

// ScarceSKU has 3 on hand in the seeded catalogue: the demo's always
// rejected order and late-rejection's scarce stock.
const ScarceSKU = "SKU-005"

// Batch brings the stock the orders need (goods receipts) and places n
// orders at rate, showing progress; Follow then waits for them (a scenario
// may break or mend something in between).
func (e *Env) Batch(ctx context.Context, t Target, label string, n int, rate float64, req func(int) api.PlaceRequest) (load.Result, error) {
	if err := e.StockFor(ctx, t, label, n, req); err != nil {
		return load.Result{}, err
	}
	return e.Place(ctx, t, label, n, rate, req)
}

// StockFor brings the stock n orders of req (nil: load.Mix) need.
func (e *Env) StockFor(ctx context.Context, t Target, label string, n int, req func(int) api.PlaceRequest) error {
	if req == nil {
		req = load.Mix
	}
	return e.Stock(ctx, t, label, stockup.Plan{AtLeast: stockup.Need(n, req)})
}

// Place is Batch without the stock: for a scenario that stocked up before
// it broke inventory-svc.
func (e *Env) Place(ctx context.Context, t Target, label string, n int, rate float64, req func(int) api.PlaceRequest) (load.Result, error) {
	placed := 0
	res, err := load.Run(ctx, load.Config{
		Orders: t.Orders, Rate: rate, Count: n, Request: req,
		Placed: func(load.Placed) { placed++; e.Advance(label+": placing", placed, n) },
	})
	if err != nil {
		return res, fmt.Errorf("%s: %w", label, err)
	}
	return res, nil
}

// Stock brings the SKUs a run orders to the level it needs (goods receipts,
// adjustments) and says so in one line.
func (e *Env) Stock(ctx context.Context, t Target, label string, p stockup.Plan) error {
	line, err := stockup.Ensure(ctx, t.Inventory, label+"-"+string(t.Mode), p)
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	e.Step("  %s", line)
	return nil
}
