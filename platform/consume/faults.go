package consume

import (
	"context"

	"github.com/orderflow/platform/kafkabus"
)

// Faults is what the consumer's chain needs from fault injection
// (platform/faults.Injector).
type Faults interface {
	Pauser
	// Apply waits the injected latency, then fails with the injected error
	// rate.
	Apply(ctx context.Context) error
}

// InjectFaults applies the injected latency and error rate to every message
// of each handling, in the message's own context, before next gets the
// batch. It sits inside Retry, so an injected failure is retried like any
// transient error, and a retried message meets the faults on every attempt.
// A nil f injects nothing.
func InjectFaults(f Faults) Middleware {
	return func(next kafkabus.Handler) kafkabus.Handler {
		if f == nil {
			return next
		}
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			for _, d := range batch {
				if err := f.Apply(d.Ctx); err != nil {
					return err
				}
			}
			return next(ctx, batch)
		}
	}
}
