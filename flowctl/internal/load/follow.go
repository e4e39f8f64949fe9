package load

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"

	"github.com/orderflow/platform/retry"
)

// OrderGetter fetches an order (api.Orders does).
type OrderGetter interface {
	Get(ctx context.Context, id string) (api.Order, error)
}

// DefaultMaxGetsPerSec bounds Follow's reads per stack: a few hundred
// pending orders polled back to back would load order-svc with reads while
// the scenario measures its writes.
const DefaultMaxGetsPerSec = 200

// ReadRateFor is a MaxGetsPerSec that can read every one of n orders about
// four times within settle, never below the default. A run that places
// more than a scenario's batch needs it: at the default, 600 orders take 3 s
// just to be read, and an events run (whose orders are final only when read
// back, where sync's are final in their answer) would look slower for the
// reader's own limit.
func ReadRateFor(n int, settle time.Duration) float64 {
	if settle <= 0 {
		return DefaultMaxGetsPerSec
	}
	return max(DefaultMaxGetsPerSec, 4*float64(n)/settle.Seconds())
}

// FollowConfig bounds Follow.
type FollowConfig struct {
	// Every is the shortest time between two reads of one order.
	Every time.Duration
	// MaxGetsPerSec bounds the reads of the whole follow (default
	// DefaultMaxGetsPerSec): with many orders pending, each is read less
	// often, which Stats.Revisit reports.
	MaxGetsPerSec float64
	// Timeout bounds the whole wait; orders not final by then stay as last
	// fetched (the caller reports them), which is not an error.
	Timeout time.Duration
	// Progress, if set, is told after each round how many orders are not
	// final yet.
	Progress func(notFinal int)
	// Stats, if set, receives how the follow went.
	Stats *FollowStats
}

// FollowStats is what the polling cost in resolution: an order was seen
// final up to Revisit after it became final (its time to consistency comes
// from the services' timestamps and is exact; when flowctl saw it is not).
type FollowStats struct {
	Gets int
	// Revisit is the longest time between two reads of one order.
	Revisit time.Duration
}

// Follow fetches every order of r order-svc created until it is final or
// the timeout passes (see FollowOrders).
func Follow(ctx context.Context, r *Result, o OrderGetter, c FollowConfig) (int, error) {
	orders := make([]*api.Order, 0, len(r.Orders))
	for i := range r.Orders {
		if r.Orders[i].HasID() {
			orders = append(orders, &r.Orders[i].Order)
		}
	}
	return FollowOrders(ctx, orders, o, c)
}

// FollowOrders fetches each order until it is final (with its timeline) or
// the timeout passes, replacing it with what it fetched, at most
// MaxGetsPerSec reads a second. An order final in its answer (sync's 201)
// is read once like any other, so both modes are followed the same way. It
// returns how many orders are still not final.
func FollowOrders(ctx context.Context, orders []*api.Order, o OrderGetter, c FollowConfig) (int, error) {
	if c.Every <= 0 {
		c.Every = 25 * time.Millisecond
	}
	if c.MaxGetsPerSec <= 0 {
		c.MaxGetsPerSec = DefaultMaxGetsPerSec
	}
	var st FollowStats
	if c.Stats == nil {
		c.Stats = &st
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	spacing := time.Duration(float64(time.Second) / c.MaxGetsPerSec)
	var nextGet time.Time
	lastRead := make([]time.Time, len(orders))
	done := func(err error) (int, error) {
		notFinal := 0
		for _, ord := range orders {
			if !ord.Final {
				notFinal++
			}
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return notFinal, nil
		}
		return notFinal, fmt.Errorf("follow orders: %w", err)
	}
	for {
		roundStart := time.Now()
		notFinal := 0
		for i, ord := range orders {
			if ord.Final && ord.Timeline != nil {
				continue
			}
			if err := retry.Until(ctx, nextGet); err != nil {
				return done(err)
			}
			now := time.Now()
			nextGet = now.Add(spacing)
			if !lastRead[i].IsZero() {
				c.Stats.Revisit = max(c.Stats.Revisit, now.Sub(lastRead[i]))
			}
			lastRead[i] = now
			c.Stats.Gets++
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
		if ctx.Err() != nil {
			return done(ctx.Err())
		}
		if err := retry.Until(ctx, roundStart.Add(c.Every)); err != nil {
			return done(err)
		}
	}
}
