package load

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// OrderGetter fetches an order (api.Orders does).
type OrderGetter interface {
	Get(ctx context.Context, id string) (api.Order, error)
}

// FollowConfig bounds Follow.
type FollowConfig struct {
	// Every is how often a non-final order is fetched again.
	Every time.Duration
	// Timeout bounds the whole wait; orders not final by then stay as last
	// fetched (the caller reports them), which is not an error.
	Timeout time.Duration
	// Progress, if set, is told after each round how many orders are not
	// final yet.
	Progress func(notFinal int)
}

// Follow fetches every order of r order-svc created until it is final or the timeout
// passes (see FollowOrders).
func Follow(ctx context.Context, r *Result, o OrderGetter, c FollowConfig) (int, error) {
	orders := make([]*api.Order, 0, len(r.Orders))
	for i := range r.Orders {
		if r.Orders[i].HasID() {
			orders = append(orders, &r.Orders[i].Order)
		}
	}
	return FollowOrders(ctx, orders, o, c)
}

// FollowOrders fetches each order until it is final or the timeout passes,
// replacing it with what it fetched. Times to consistency come from the
// services' own timestamps (Order.TimeToFinalMS), so how often it polls
// changes no number reported. It returns how many orders are still not final.
func FollowOrders(ctx context.Context, orders []*api.Order, o OrderGetter, c FollowConfig) (int, error) {
	if c.Every <= 0 {
		c.Every = 25 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	tick := time.NewTicker(c.Every)
	defer tick.Stop()
	for {
		notFinal := 0
		for _, ord := range orders {
			if ord.Final && ord.Timeline != nil {
				continue
			}
			got, err := o.Get(ctx, ord.ID)
			if ctx.Err() != nil || err != nil {
				// A stopped order-svc is a scenario step, not the end of the
				// run: count the order as not final and try again next round.
				notFinal++
				continue
			}
			*ord = got
			if !got.Final {
				notFinal++
			}
		}
		if c.Progress != nil {
			c.Progress(notFinal)
		}
		if notFinal == 0 {
			return 0, nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return notFinal, nil
			}
			return notFinal, fmt.Errorf("follow orders: %w", ctx.Err())
		case <-tick.C:
		}
	}
}
