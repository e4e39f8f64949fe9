package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stockup"
	"github.com/orderflow/platform/retry"
)

// Stack is one mode's stack as the bench drives it. Nothing here asks which
// mode it is: sync and events go through the same steps.
type Stack struct {
	Mode      string
	OrderURL  string
	Inventory stockup.Inventory
	// Drain, when set, measures how fast a paused consumer's backlog drains
	// (events mode); nil says the mode has no consumer.
	Drain *Drainer
	// Backlog, when set, is every consumer's unprocessed events (events
	// mode). A step starts only once it is 0: a confirmed order can still
	// have a StockReserved event queued for order-svc, and a step must not
	// start behind the previous one's tail.
	Backlog func(ctx context.Context) (int64, error)
	// Procs are the stack's processes (services, broker) to measure; none
	// with a reason says why they cannot be (Docker).
	Procs func() ([]Proc, string)
	// Ledger, when set, is the stack's ledger check, run once the bench is
	// done with the stack.
	Ledger Ledger
	// Messages, when set, counts what the services send each other during
	// the measured run (MeasuredStep).
	Messages *MessageCounter
	// Replicas are how many replicas of each service ran, by the runtime.
	Replicas map[string]int
}

// orders is the stack's order-svc client with enough connections for a
// bench's rates.
func (s Stack) orders() *api.Orders { return api.NewOrders(s.OrderURL, newHTTPClient()) }

// OrderStep places orders at rate for d (open loop, load.Mix, after stocking
// up for them), follows them until final or settle passes, and sums the run
// up: time to consistency is the latency the bound applies to.
func (s Stack) OrderStep(ctx context.Context, rate float64, d, settle time.Duration) (Step, error) {
	if err := s.waitIdle(ctx); err != nil {
		return Step{}, err
	}
	st, _, err := s.placeAndFollow(ctx, rate, ordersFor(rate, d), settle)
	return st, err
}

// ordersFor is how many orders a step at rate for d places.
func ordersFor(rate float64, d time.Duration) int { return max(int(rate*d.Seconds()+0.5), 1) }

// idleWait bounds how long a step waits for the consumers to catch up;
// past it the step starts anyway, and pays for the backlog it inherits.
const idleWait = 2 * time.Minute

// waitIdle waits until Backlog is 0 (at most idleWait).
func (s Stack) waitIdle(ctx context.Context) error {
	if s.Backlog == nil {
		return nil
	}
	deadline := time.Now().Add(idleWait)
	for time.Now().Before(deadline) {
		n, err := s.Backlog(ctx)
		if err != nil {
			return fmt.Errorf("%s: consumers' backlog: %w", s.Mode, err)
		}
		if n == 0 {
			return nil
		}
		if err := retry.Wait(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// placeAndFollow is OrderStep for n orders; it also returns the run.
func (s Stack) placeAndFollow(ctx context.Context, rate float64, n int, settle time.Duration) (Step, load.Result, error) {
	o := s.orders()
	res, err := s.place(ctx, o, rate, n)
	if err != nil {
		return Step{}, res, err
	}
	if err := follow(ctx, o, &res, settle); err != nil {
		return Step{}, res, err
	}
	return stepOf(res), res, nil
}

// place stocks up for n orders of load.Mix and places them at rate.
func (s Stack) place(ctx context.Context, o *api.Orders, rate float64, n int) (load.Result, error) {
	if err := s.stockUp(ctx, n); err != nil {
		return load.Result{}, err
	}
	return load.Run(ctx, load.Config{Orders: o, Rate: rate, Count: n, MaxInFlight: maxInFlight})
}

// stockUp makes sure inventory-svc has the stock n orders of load.Mix take.
func (s Stack) stockUp(ctx context.Context, n int) error {
	if _, err := stockup.Ensure(ctx, s.Inventory, "bench-"+s.Mode, stockup.Plan{AtLeast: stockup.Need(n, load.Mix)}); err != nil {
		return fmt.Errorf("%s: stock up for %d orders: %w", s.Mode, n, err)
	}
	return nil
}

// follow reads the run's orders until each is final or settle passes.
// Times to consistency come from the services' timestamps, so when the
// orders are read changes no number. Reading late and seldom keeps the
// reads' own cost (in the CPU per order) near one read per order that was
// not final when answered — what any client of the events mode pays to
// learn an outcome — instead of a polling rate of our choosing.
func follow(ctx context.Context, o *api.Orders, res *load.Result, settle time.Duration) error {
	if err := retry.Wait(ctx, followEvery); err != nil {
		return err
	}
	_, err := load.Follow(ctx, res, o, load.FollowConfig{Every: followEvery, Timeout: settle, MaxGetsPerSec: load.ReadRateFor(len(res.Orders), settle)})
	return err
}

// followEvery is how long after the last placement the orders are first
// read, and how often those not final are read again.
const followEvery = 250 * time.Millisecond

// stepOf turns a load run into a Step: an order is done once final; FAILED
// orders and orders never taken (refused, timed out) are failures.
func stepOf(r load.Result) Step {
	sum := load.Summarize(r)
	st := Step{Sent: len(r.Orders), SentLate: r.Slipped, SentRate: sum.RatePerSec, Latency: sum.TimeToFinal, Response: sum.Placement,
		Samples: sum.TimeToFinalSamples, Trend: TrendOf(sum.TimeToFinalSamples)}
	for _, p := range r.Orders {
		switch {
		case !p.HasID():
			st.Done++
			st.Failed++
		case p.Order.Final:
			st.Done++
			if p.Order.Status == "FAILED" {
				st.Failed++
			}
		}
	}
	return st
}
