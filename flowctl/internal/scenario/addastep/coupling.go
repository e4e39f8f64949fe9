package addastep

import (
	"context"
	"fmt"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// outage is a batch placed while fraud-svc was stopped.
type outage struct {
	N int
	// Accepted were answered 2xx; the rest failed in the answer.
	Accepted int
	// Waiting were accepted and not final just before fraud-svc came back.
	Waiting int
	// Completed ended CONFIRMED once it was back.
	Completed int
	Followed  kit.Followed
}

// FailedPct is the share of the batch that failed in the answer.
func (o outage) FailedPct() float64 {
	if o.N == 0 {
		return 0
	}
	return 100 * float64(o.N-o.Accepted) / float64(o.N)
}

// withStepDown stops fraud-svc, places a batch, reads which accepted orders
// still wait, starts fraud-svc again and follows the batch to the end: the
// failure coupling the new step brings, per style.
func withStepDown(ctx context.Context, e *kit.Env, t kit.Target) (outage, error) {
	n := e.Size.Orders
	if err := e.StockFor(ctx, t, "add-a-step down", n, nil); err != nil {
		return outage{}, err
	}
	e.Step("  fraud-svc stopped: placing %d orders", n)
	if err := e.Control.StopService(ctx, t.Mode, topology.FraudSvc); err != nil {
		return outage{}, err
	}
	res, placeErr := e.Place(ctx, t, "add-a-step down", n, e.Size.Rate, nil)
	o := outage{N: n}
	if placeErr == nil {
		o.Accepted, o.Waiting = accepted(ctx, t, res)
	}
	cctx, cancel := kit.CleanupCtx(ctx)
	defer cancel()
	if err := e.Control.StartService(cctx, t.Mode, topology.FraudSvc); err != nil {
		return o, fmt.Errorf("start fraud-svc again: %w", err)
	}
	if placeErr != nil {
		return o, placeErr
	}
	e.Step("  fraud-svc back: %d of %d accepted, %d of them waiting", o.Accepted, n, o.Waiting)
	var err error
	if o.Followed, err = e.Follow(ctx, t, "add-a-step down", &res); err != nil {
		return o, err
	}
	o.Completed = load.Summarize(res).ByStatus["CONFIRMED"]
	return o, nil
}

// accepted counts the 2xx answers and, of those, the orders not final now.
func accepted(ctx context.Context, t kit.Target, res load.Result) (acc, waiting int) {
	for _, p := range res.Orders {
		if !p.Accepted() {
			continue
		}
		acc++
		if o, err := t.Orders.Get(ctx, string(p.Order.ID)); err == nil && !o.Final {
			waiting++
		}
	}
	return acc, waiting
}
