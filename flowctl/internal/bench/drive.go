package bench

import (
	"context"
	"sync"
	"time"

	"github.com/orderflow/platform/retry"
)

// Drive calls send n times on an open-loop schedule at rate per second: the
// i-th call is due at i/rate whether or not the earlier ones returned, as
// real clients behave. At most maxInFlight calls run at once; past that the
// schedule slips and the late sends are counted, instead of goroutines piling
// up against a stalled target. It waits for every call, and returns the rate
// the calls actually started at (first to last).
func Drive(ctx context.Context, rate float64, n, maxInFlight int, send func(ctx context.Context, i int)) (late int, sentRate float64, err error) {
	interval := time.Duration(float64(time.Second) / rate)
	slots := make(chan struct{}, max(maxInFlight, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	start := time.Now()
	var lastSend time.Time
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			if err := retry.Wait(ctx, d); err != nil {
				return late, 0, err
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			late++
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return late, 0, ctx.Err()
			}
		}
		lastSend = time.Now()
		wg.Go(func() {
			defer func() { <-slots }()
			send(ctx, i)
		})
	}
	if d := lastSend.Sub(start).Seconds(); n > 1 && d > 0 {
		sentRate = float64(n-1) / d
	}
	return late, sentRate, ctx.Err()
}
