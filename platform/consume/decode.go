package consume

import (
	"context"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// Decode decodes every message's value into its envelope and payload. A
// message that does not decode gets Invalid set (an error wrapping
// events.ErrInvalid) and goes on with the others: DeadLetter writes it to the
// DLQ before the batch is applied, since it changes no state and the others
// do not depend on it.
func Decode(next kafkabus.Handler) kafkabus.Handler {
	return func(ctx context.Context, batch []*kafkabus.Delivery) error {
		for _, d := range batch {
			d.Env, d.Payload, d.Invalid = events.Decode(d.Msg.Value)
		}
		return next(ctx, batch)
	}
}
