// Package kafkaconf is what every kafka-go client of orderflow shares: the
// header names, the tuned group-reader and writer settings, and the broker
// ping. The services use it through platform/kafkabus, flowctl directly; it
// has no OpenTelemetry, which a CLI that reads and writes topics has no use
// for. docs/architecture.md (section 6) says why each setting is what it is.
package kafkaconf

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

// Header names on every message.
const (
	HeaderEventType = "event-type"
	HeaderEventID   = "event-id"
	// Dead-letter headers say why and where a message came from.
	HeaderDLQError     = "dlq-error"
	HeaderDLQTopic     = "dlq-original-topic"
	HeaderDLQPartition = "dlq-original-partition"
	HeaderDLQOffset    = "dlq-original-offset"
	HeaderDLQGroup     = "dlq-consumer-group"
)

// GroupReader is the configuration of a consumer-group reader tuned for quick
// rebalances and low latency: the defaults (heartbeat 3 s, session 30 s) make
// a restarted consumer wait half a minute for its partitions. Callers add
// loggers or a dialer.
func GroupReader(brokers []string, group string, topics []string) kafka.ReaderConfig {
	return kafka.ReaderConfig{
		Brokers:           brokers,
		GroupID:           group,
		GroupTopics:       topics,
		MinBytes:          1,
		MaxBytes:          10 << 20,
		MaxWait:           MaxWait(250 * time.Millisecond),
		ReadBatchTimeout:  2 * time.Second,
		HeartbeatInterval: 500 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  3 * time.Second,
		JoinGroupBackoff:  250 * time.Millisecond,
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    500 * time.Millisecond,
		StartOffset:       kafka.FirstOffset,
		// Another service may add partitions or create a topic later: notice
		// it instead of sitting on an empty assignment.
		WatchPartitionChanges:  true,
		PartitionWatchInterval: 2 * time.Second,
		CommitInterval:         0, // synchronous commits: an offset is committed only once its message was handled
		MaxAttempts:            3,
	}
}

// ConsumerGroup is GroupReader's group membership for a consumer that reads
// its assigned partitions itself (platform/kafkabus runs a worker per
// partition): the same heartbeat, session, rebalance and join settings, the
// same partition watch and start offset. Callers add loggers.
func ConsumerGroup(brokers []string, group string, topics []string) kafka.ConsumerGroupConfig {
	r := GroupReader(brokers, group, topics)
	return kafka.ConsumerGroupConfig{
		ID:                     group,
		Brokers:                brokers,
		Topics:                 topics,
		HeartbeatInterval:      r.HeartbeatInterval,
		SessionTimeout:         r.SessionTimeout,
		RebalanceTimeout:       r.RebalanceTimeout,
		JoinGroupBackoff:       r.JoinGroupBackoff,
		WatchPartitionChanges:  r.WatchPartitionChanges,
		PartitionWatchInterval: r.PartitionWatchInterval,
		StartOffset:            r.StartOffset,
	}
}

// PartitionReader reads one partition of topic with GroupReader's fetch
// settings (MinBytes, MaxBytes, MaxWait, timeouts, backoff); its owner sets
// the start offset and commits through the group's generation. The lag
// reporter, which would ask the broker for the last offset every few
// seconds per partition, is off: nobody reads it.
func PartitionReader(brokers []string, topic string, partition int) kafka.ReaderConfig {
	r := GroupReader(brokers, "", nil)
	return kafka.ReaderConfig{
		Brokers:          brokers,
		Topic:            topic,
		Partition:        partition,
		MinBytes:         r.MinBytes,
		MaxBytes:         r.MaxBytes,
		MaxWait:          r.MaxWait,
		ReadBatchTimeout: r.ReadBatchTimeout,
		ReadBackoffMin:   r.ReadBackoffMin,
		ReadBackoffMax:   r.ReadBackoffMax,
		MaxAttempts:      r.MaxAttempts,
		ReadLagInterval:  -1,
	}
}

// MaxWait is the ReaderConfig.MaxWait under which the broker holds an empty
// fetch for brokerWait. MaxWait is not a latency knob: the broker answers a
// fetch as soon as one message is there (MinBytes 1). kafka-go drops the
// connection when an answer comes later than MaxWait, and asks the broker to
// wait MaxWait minus a margin for the round trip: a quarter of MaxWait below
// 1 s, 1 s from there on. At MaxWait 250 ms the margin was 62 ms, which a
// Kafka that had just restarted (cold JVM, 2 cores) overran again and again:
// fetches timed out, reconnected and backed off, and consumers took 4–40 s
// to catch up. brokerWait plus 1 s always gets the 1 s margin. A fetch in
// flight delays a rebalance, a shutdown or a Close by up to brokerWait.
func MaxWait(brokerWait time.Duration) time.Duration { return brokerWait + time.Second }

// Writer returns a kafka-go Writer tuned on purpose:
//   - RequiredAcks=RequireAll: the default (none) loses writes to a missing topic silently;
//   - BatchTimeout=2ms: the default 1 s would add a second to every hop;
//   - Hash balancer on the key (the order id): one order stays on one partition;
//   - no auto topic creation: topics are created at start-up with known settings.
func Writer(brokers []string) *kafka.Writer {
	return &kafka.Writer{
		Addr:                   kafka.TCP(brokers...),
		Balancer:               &kafka.Hash{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           2 * time.Millisecond,
		BatchSize:              100,
		MaxAttempts:            3,
		WriteBackoffMin:        50 * time.Millisecond,
		WriteBackoffMax:        500 * time.Millisecond,
		ReadTimeout:            5 * time.Second,
		WriteTimeout:           5 * time.Second,
		AllowAutoTopicCreation: false,
	}
}

// Ping checks that a broker of brokers answers a Kafka request now. It dials
// afresh on purpose: kafka-go's shared transport answers metadata requests
// from its cache, which would report a stopped broker as healthy.
func Ping(ctx context.Context, brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("no Kafka brokers given")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var errs []error
	for _, b := range brokers {
		conn, err := (&kafka.Dialer{Timeout: 3 * time.Second}).DialContext(ctx, "tcp", b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = conn.ApiVersions()
		conn.Close()
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("no Kafka broker of %s answers: %w", strings.Join(brokers, ","), errors.Join(errs...))
}
