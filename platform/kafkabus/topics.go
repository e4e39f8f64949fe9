package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// DefaultPartitions of every topic the services create (KAFKA_PARTITIONS):
// enough to show that order is kept per key, not per topic, and that a
// retried event holds up only its partition. More do not apply events faster
// here: BenchmarkConsumerPartitions measures 1 to 12 partitions at the same
// 12–16k events/s, the service's one SQLite writer being the limit.
const DefaultPartitions = 3

// EnsureTopics creates topics that do not exist yet with partitions each;
// existing ones are left alone, so every service can call it at start-up.
func EnsureTopics(ctx context.Context, brokers []string, replication, partitions int, topics ...string) error {
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	req := &kafka.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: t, NumPartitions: partitions, ReplicationFactor: replication})
	}
	res, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics on %v: %w", brokers, err)
	}
	for t, err := range res.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
	}
	return nil
}

// TopicsVisible reports whether every topic shows all its partitions with a
// leader in the broker's metadata. A consumer group whose leader assigns
// partitions before then gets an empty assignment, so consumers wait for it.
func TopicsVisible(ctx context.Context, brokers []string, topics ...string) error {
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 5 * time.Second}
	res, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("metadata of %v: %w", topics, err)
	}
	seen := map[string]bool{}
	for _, t := range res.Topics {
		if t.Error != nil {
			return fmt.Errorf("topic %s: %w", t.Name, t.Error)
		}
		if len(t.Partitions) == 0 {
			return fmt.Errorf("topic %s has no partitions yet", t.Name)
		}
		for _, p := range t.Partitions {
			if p.Error != nil || p.Leader.ID < 0 {
				return fmt.Errorf("topic %s partition %d has no leader yet", t.Name, p.ID)
			}
		}
		seen[t.Name] = true
	}
	for _, t := range topics {
		if !seen[t] {
			return fmt.Errorf("topic %s not in metadata yet", t)
		}
	}
	return nil
}
