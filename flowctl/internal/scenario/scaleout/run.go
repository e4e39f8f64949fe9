package scaleout

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/cores"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// scaleAllowance bounds how long one change may take for the load to still
// cover it; it only sizes the load's upper bound and the stock for it.
const scaleAllowance = 60 * time.Second

// scaleRun is what scale-out measured on one stack.
type scaleRun struct {
	// Cores is cores.Of the runtime (cores.Unknown off this machine);
	// Others counts the processes beside Service's replicas that share
	// them (the stack's other services, the broker, flowctl's load).
	Cores, Others int
	Rate          float64
	Hold          time.Duration
	Phases        []phase
	Res           load.Result
	Followed      kit.Followed
	// Capped says the load reached its upper bound before the changes were
	// done.
	Capped bool
	// Dups are the redeliveries the inbox skipped, over every replica.
	Dups dupTally
	// Balancer is what Service's balancer counted during the scale-in.
	Balancer balancerTally
	Cap      *capRun
}

// run holds a steady load at --rate while Service goes 1 → 3 → 1 replicas,
// follows the orders to the end, sums the redeliveries the inbox skipped
// over the replicas and, on a brokered stack, shows the partition cap.
// That no event was applied twice is the ledger check's to say (kit runs
// it after every run).
func run(ctx context.Context, e *kit.Env, t kit.Target) (scaleRun, error) {
	s := scaleRun{Cores: cores.Of(e.Control.Local()), Others: others(t), Rate: e.Size.Rate, Hold: hold(e.Size)}
	if err := e.Control.Scale(ctx, t.Mode, Service, 1); err != nil {
		return s, fmt.Errorf("scale %s to 1 before the run: %w", Service, err)
	}
	upper := max(1, int(s.Rate*(3*s.Hold+2*(scaleAllowance+settleBound)).Seconds()+0.5))
	if err := e.StockFor(ctx, t, "scale-out", upper, nil); err != nil {
		return s, err
	}
	w, err := watchFor(ctx, e, t, &s)
	if err != nil {
		return s, err
	}
	s.Dups.read(ctx, e, t)
	e.Step("  scale-out: orders at %g/s for the whole run; %s", s.Rate, CoresText(s.Cores, s.Others, t.Mode))
	until, done := make(chan struct{}), make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		s.Res, runErr = load.Run(ctx, load.Config{Orders: t.Orders, Rate: s.Rate, Count: upper, Until: until})
	}()
	ws, err := scaleSteps(ctx, e, t, s.Hold, w)
	close(until)
	<-done
	if err != nil {
		return s, err
	}
	if runErr != nil {
		return s, fmt.Errorf("scale-out load: %w", runErr)
	}
	s.Capped = len(s.Res.Orders) >= upper
	if s.Followed, err = e.Follow(ctx, t, "scale-out", &s.Res); err != nil {
		return s, err
	}
	s.Phases = split(s.Res, ws)
	s.Dups.read(ctx, e, t)
	if brokered(t.Mode) {
		c, err := partitionCap(ctx, e, t, brokerView(e, t))
		if err != nil {
			return s, err
		}
		s.Cap = &c
	}
	return s, nil
}

// watchFor is what the run does around the changes: before the scale-in
// it reads each replica's redeliveries and the balancer's counts (after
// it, the counts again); on a brokered stack each change lasts until the
// consumer group is Stable with the replicas asked for.
func watchFor(ctx context.Context, e *kit.Env, t kit.Target, s *scaleRun) (watch, error) {
	w := watch{
		Before: func(ctx context.Context, c change) {
			if c.Name == WindowIn {
				s.Dups.read(ctx, e, t)
				s.Balancer.start(ctx, e, t)
			}
		},
		After: func(ctx context.Context, c change) {
			if c.Name == WindowIn {
				s.Balancer.end(ctx, e, t)
			}
		},
	}
	if !brokered(t.Mode) {
		return w, nil
	}
	v := brokerView(e, t)
	partitions, err := v.Partitions(ctx)
	if err != nil {
		return w, fmt.Errorf("partitions of %s's topics: %w", Service, err)
	}
	w.Settle = func(ctx context.Context, c change, start time.Time) (settled, error) {
		return settleGroup(ctx, v, start, c.To, partitions)
	}
	return w, nil
}

// hold is how long each steady window lasts: long enough for a p95 at the
// workshop's rate (2 × DownFor, 10 s by default).
func hold(z kit.Size) time.Duration { return max(2*z.DownFor, time.Second) }

// others counts the processes besides Service's replicas: the stack's
// other services, flowctl's load and, on a brokered stack, the broker.
func others(t kit.Target) int {
	otherServices, flowctl := len(t.URLs)-1, 1
	if brokered(t.Mode) {
		return otherServices + flowctl + 1
	}
	return otherServices + flowctl
}
