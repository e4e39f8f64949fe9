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

// Follow fetches every accepted order until it is final or the timeout
// passes. Times to consistency come from the services' own timestamps
// (Order.TimeToFinalMS), so how often it polls changes no number reported.
// It returns how many orders are still not final.
func Follow(ctx context.Context, r *Result, o OrderGetter, c FollowConfig) (int, error) {
	if c.Every <= 0 {
		c.Every = 25 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	tick := time.NewTicker(c.Every)
	defer tick.Stop()
	for {
		notFinal := 0
		for i := range r.Orders {
			p := &r.Orders[i]
			if !p.Accepted() || (p.Order.Final && p.Order.Timeline != nil) {
				continue
			}
			got, err := o.Get(ctx, p.Order.ID)
			if ctx.Err() != nil {
				notFinal++
				continue
			}
			if err != nil {
				// A stopped order-svc is a scenario step, not the end of the
				// run: count the order as not final and try again next round.
				notFinal++
				continue
			}
			p.Order = got
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
