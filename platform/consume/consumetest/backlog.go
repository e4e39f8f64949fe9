package consumetest

import (
	"context"
	"fmt"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// Backlog is n events, made by event(i), dealt round-robin to partitions.
// Each is encoded and decoded again, so the Processor gets the Delivery a
// consumer would hand it from the broker's bytes.
func Backlog(n, partitions int, event func(i int) (events.Envelope, error)) ([][]*kafkabus.Delivery, error) {
	out := make([][]*kafkabus.Delivery, partitions)
	for i := range n {
		env, err := event(i)
		if err != nil {
			return nil, fmt.Errorf("backlog event %d: %w", i, err)
		}
		raw, err := env.Encode()
		if err != nil {
			return nil, fmt.Errorf("encode backlog event %d: %w", i, err)
		}
		env, payload, err := events.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("decode backlog event %d: %w", i, err)
		}
		out[i%partitions] = append(out[i%partitions], &kafkabus.Delivery{Ctx: context.Background(), Env: env, Payload: payload})
	}
	return out, nil
}
