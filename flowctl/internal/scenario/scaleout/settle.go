package scaleout

import (
	"context"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// settleBound bounds the wait for Service's consumer group to take in or
// let go of replicas.
const settleBound = 60 * time.Second

// settled is a consumer group as a wait for it left it.
type settled struct {
	Group kafkalog.Group
	// Took is from the wait's start until the group was Stable with the
	// members asked for, or until the wait gave up.
	Took time.Duration
	// Stable says the group reached the members asked for, Stable, with
	// every partition of its topics assigned, within settleBound.
	Stable bool
}

// settleGroup asks the broker until Service's group is Stable with n
// members and every one of partitions handed out: the rebalance is over
// and the group consumes at full strength again. It measures from start
// (the change's start, which the rebalance is part of).
func settleGroup(ctx context.Context, v groupView, start time.Time, n, partitions int) (settled, error) {
	var s settled
	for {
		g, err := v.Describe(ctx)
		s.Group, s.Took = g, time.Since(start)
		if err == nil && g.State == "Stable" && len(g.Members) == n && assigned(g) >= partitions {
			s.Stable = true
			return s, nil
		}
		if s.Took > settleBound {
			return s, nil
		}
		if err := wait(ctx, 100*time.Millisecond); err != nil {
			return s, err
		}
	}
}

// assigned counts the partitions of the fewest-partitioned topic the group
// has handed out: every partition of one topic, when the group is settled.
func assigned(g kafkalog.Group) int {
	by := map[string]int{}
	for _, m := range g.Members {
		for topic, ps := range m.Partitions {
			by[topic] += len(ps)
		}
	}
	least := -1
	for _, n := range by {
		if least < 0 || n < least {
			least = n
		}
	}
	return max(least, 0)
}
