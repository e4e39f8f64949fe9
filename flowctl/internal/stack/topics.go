package stack

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// EnsureTopics creates the events stack's topics and their dead-letter topics
// before any service starts, exactly as the services would (same names,
// prefix, partitions and replication: it uses their code and configuration).
//
// The services create them too, but their kafka-go readers join the consumer
// group as soon as they are built, which is before that creation: on a fresh
// broker the group leader then finds no partitions, assigns nothing, and the
// consumer idles until the next rebalance — an events demo whose orders stay
// PENDING. Topics that already exist when the services start avoid the race.
func EnsureTopics(ctx context.Context, getenv func(string) string, brokers []string) ([]string, error) {
	cfg, err := config.Load("flowctl", func(k string) string {
		switch k {
		case "MODE":
			return string(config.ModeEvents)
		case "KAFKA_BROKERS":
			return strings.Join(brokers, ",")
		}
		return getenv(k)
	})
	if err != nil {
		return nil, err
	}
	var topics []string
	for _, t := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		topics = append(topics, cfg.Topic(t), events.DLQ(cfg.Topic(t)))
	}
	if err := kafkabus.EnsureTopics(ctx, brokers, cfg.ReplicationFactor, topics...); err != nil {
		return nil, fmt.Errorf("create topics: %w", err)
	}
	return topics, nil
}
