package consume

import (
	"context"

	"github.com/orderflow/platform/kafkabus"
)

// Isolate hands the batch to next as one call (one transaction). When that
// fails, nothing of it was applied, and it hands the messages not yet done on
// again one at a time, in order, marking each Done once next succeeded: the
// good ones are applied, and only the failing one is retried or
// dead-lettered (Retry and DeadLetter sit inside), while the rest of the
// batch goes on behind it. It returns an error only when a lone message
// failed, which after Retry means ctx ended.
func Isolate(next kafkabus.Handler) kafkabus.Handler {
	return func(ctx context.Context, batch []*kafkabus.Delivery) error {
		err := next(ctx, batch)
		if err == nil || ctx.Err() != nil || len(batch) == 1 {
			return err // a lone message was handled on its own already
		}
		for _, d := range batch {
			if d.IsDone() {
				continue // dead-lettered in the batch call already
			}
			if err := next(ctx, []*kafkabus.Delivery{d}); err != nil {
				return err
			}
			d.Done()
		}
		return nil
	}
}
