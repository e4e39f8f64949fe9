package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/load"
)

// MeasuredStep is OrderStep that also counts the messages per order. The
// window opens after the stock-up has gone quiet (the bench's own calls to
// inventory-svc, and the stock movements it announces, are not the
// orders') and closes once the stack has gone quiet after the last order
// was followed.
func (s Stack) MeasuredStep(ctx context.Context, rate float64, d, settle time.Duration) (Step, error) {
	if s.Messages == nil {
		return s.OrderStep(ctx, rate, d, settle)
	}
	if err := s.waitIdle(ctx); err != nil {
		return Step{}, err
	}
	n := ordersFor(rate, d)
	if err := s.stockUp(ctx, n); err != nil {
		return Step{}, err
	}
	before, err := s.Messages.settle(ctx, settle)
	if err != nil {
		return Step{}, fmt.Errorf("%s: messages before the run: %w", s.Mode, err)
	}
	start := time.Now()
	o := s.orders()
	res, err := load.Run(ctx, load.Config{Orders: o, Rate: rate, Count: n, MaxInFlight: maxInFlight})
	if err != nil {
		return Step{}, err
	}
	if err := follow(ctx, o, &res, settle); err != nil {
		return Step{}, err
	}
	after, err := s.Messages.settle(ctx, settle)
	if err != nil {
		return Step{}, fmt.Errorf("%s: messages after the run: %w", s.Mode, err)
	}
	m := Messages{Orders: finalOrders(res), Topics: len(s.Messages.Topics), WindowMS: ms(time.Since(start))}
	m.Records, m.HTTPCalls = countSince(before, after)
	st := stepOf(res)
	st.Messages = &m
	return st, nil
}

// finalOrders counts the run's orders that were taken and became final.
func finalOrders(r load.Result) int {
	n := 0
	for _, p := range r.Orders {
		if p.HasID() && p.Order.Final {
			n++
		}
	}
	return n
}
