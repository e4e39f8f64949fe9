package scaleout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// capRun is the partition cap as seen: Service's topics' partitions, its
// consumer group with one replica more than that, and how long the group
// took to settle.
type capRun struct {
	Partitions int
	Group      kafkalog.Group
	Settled    time.Duration
	// Stable says the group reached the members asked for with every
	// partition assigned within settleBound.
	Stable bool
}

// groupView is what the cap check asks the broker: the partitions of the
// topics Service consumes (the fewest) and its group's assignment.
type groupView struct {
	Partitions func(ctx context.Context) (int, error)
	Describe   func(ctx context.Context) (kafkalog.Group, error)
}

// brokerView asks e's broker about t's stack.
func brokerView(e *kit.Env, t kit.Target) groupView {
	topics, group := e.Consumes(t, Service), e.Log(t).Group(Service)
	return groupView{
		Partitions: func(ctx context.Context) (int, error) {
			least := 0
			for _, topic := range topics {
				n, err := kafkalog.Partitions(ctx, e.Brokers, topic)
				if err != nil {
					return 0, err
				}
				if least == 0 || n < least {
					least = n
				}
			}
			if least == 0 {
				return 0, errors.New("no topic of " + Service + " has a partition")
			}
			return least, nil
		},
		Describe: func(ctx context.Context) (kafkalog.Group, error) {
			return kafkalog.DescribeGroup(ctx, e.Brokers, group)
		},
	}
}

// partitionCap scales Service to one replica more than its topics have
// partitions, waits until its group has them all and every partition
// assigned, reads the assignment (one member idles) and scales back to one.
func partitionCap(ctx context.Context, e *kit.Env, t kit.Target, v groupView) (c capRun, err error) {
	if c.Partitions, err = v.Partitions(ctx); err != nil {
		return c, fmt.Errorf("partitions of %s's topics: %w", Service, err)
	}
	n := c.Partitions + 1
	e.Step("  partition cap: %s to %d replicas on topics of %d partitions", Service, n, c.Partitions)
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		if serr := e.Control.Scale(cctx, t.Mode, Service, 1); serr != nil && err == nil {
			err = fmt.Errorf("scale %s back to 1: %w", Service, serr)
		}
	}()
	start := time.Now()
	if err := e.Control.Scale(ctx, t.Mode, Service, n); err != nil {
		return c, fmt.Errorf("scale %s to %d: %w", Service, n, err)
	}
	st, err := settleGroup(ctx, v, start, n, c.Partitions)
	c.Group, c.Settled, c.Stable = st.Group, st.Took, st.Stable
	if err != nil {
		return c, err
	}
	if c.Stable {
		e.Step("  %s's group: %s", Service, c.Group)
	} else {
		e.Step("  %s's group did not settle with %d members in %s: %s", Service, n, settleBound, c.Group)
	}
	return c, nil
}
