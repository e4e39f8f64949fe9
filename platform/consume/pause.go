package consume

import (
	"context"

	"github.com/orderflow/platform/kafkabus"
)

// Pauser holds consuming while a fault says so (platform/faults.Injector).
type Pauser interface {
	WaitResumed(ctx context.Context) error
}

// Pause holds a fetched batch, unhandled and uncommitted, while consumers are
// paused (/admin/faults consumers_paused): the reader's prefetch buffer fills
// and the lag grows. It is the outermost middleware, so a message's process
// span and its kafka_wait_ms include none of the pause. A nil p pauses
// nothing.
func Pause(p Pauser) Middleware {
	return func(next kafkabus.Handler) kafkabus.Handler {
		if p == nil {
			return next
		}
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			if err := p.WaitResumed(ctx); err != nil {
				return err
			}
			return next(ctx, batch)
		}
	}
}
