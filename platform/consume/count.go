package consume

import (
	"context"

	"github.com/orderflow/platform/kafkabus"
)

// Count adds to stats.Processed the messages of every batch next applied.
// It sits right around the Processor, so a batch that failed (and is handed
// on again one by one) counts only once its messages went through.
func Count(stats *Stats) Middleware {
	return func(next kafkabus.Handler) kafkabus.Handler {
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			err := next(ctx, batch)
			if err == nil {
				stats.Processed.Add(int64(len(batch)))
			}
			return err
		}
	}
}
