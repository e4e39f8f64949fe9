package scaleout

import (
	"context"
	"errors"
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
)

// balancerTally is what the balancer in front of Service counted during
// the scale-in: requests it resent to another replica (the cost draining
// leaves), connections refused, and requests it failed itself.
type balancerTally struct {
	before stack.BalancerCounts
	During stack.BalancerCounts
	// OK says both readings were taken; else Why says what was not.
	OK  bool
	Why string
}

// start reads the counts before the scale-in.
func (b *balancerTally) start(ctx context.Context, e *kit.Env, t kit.Target) {
	c, err := e.Control.BalancerCounts(ctx, t.Mode, Service)
	if err != nil {
		b.Why = notCounted(err)
		return
	}
	b.before, b.Why = c, ""
	b.OK = true
}

// end reads them once the scale-in is over.
func (b *balancerTally) end(ctx context.Context, e *kit.Env, t kit.Target) {
	if !b.OK {
		return
	}
	c, err := e.Control.BalancerCounts(ctx, t.Mode, Service)
	if err != nil {
		b.OK, b.Why = false, notCounted(err)
		return
	}
	b.During = c.Sub(b.before)
}

// notCounted says why the balancer's counts are missing.
func notCounted(err error) string {
	if errors.Is(err, stack.ErrNotOurs) {
		return fmt.Sprintf("retries not counted: %v", err)
	}
	return fmt.Sprintf("retries not counted: the balancer's counts did not answer: %v", err)
}
