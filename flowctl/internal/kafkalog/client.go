package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

// ErrUnknownTopic marks an operation on a topic the broker does not have.
var ErrUnknownTopic = errors.New("topic does not exist")

// clientID names flowctl's connections in broker logs.
const clientID = "flowctl"

// session is one kafka-go Client on a Transport of its own. kafka-go's
// DefaultTransport answers metadata requests from a cache that lives as long
// as the process, so a topic created after the first request (as in a test,
// or a stack started after a long-running command began) would stay invisible;
// a fresh transport per operation sees the broker as it is now.
type session struct {
	brokers   []string
	transport *kafka.Transport
	client    *kafka.Client
}

func newSession(brokers []string) (*session, error) {
	if len(brokers) == 0 {
		return nil, errors.New("no Kafka brokers given")
	}
	t := &kafka.Transport{ClientID: clientID, DialTimeout: 3 * time.Second, MetadataTTL: 2 * time.Second}
	return &session{
		brokers:   brokers,
		transport: t,
		client:    &kafka.Client{Addr: kafka.TCP(brokers...), Transport: t, Timeout: 10 * time.Second},
	}, nil
}

func (s *session) close() { s.transport.CloseIdleConnections() }

func (s *session) dialer() *kafka.Dialer {
	return &kafka.Dialer{ClientID: clientID, Timeout: 5 * time.Second}
}

// partitions returns the topic's partition ids, ascending, or an error
// wrapping ErrUnknownTopic.
func (s *session) partitions(ctx context.Context, topic string) ([]int, error) {
	res, err := s.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s from %s: %w", topic, strings.Join(s.brokers, ","), err)
	}
	for _, t := range res.Topics {
		if t.Name != topic {
			continue
		}
		if errors.Is(t.Error, kafka.UnknownTopicOrPartition) {
			return nil, fmt.Errorf("%s: %w", topic, ErrUnknownTopic)
		}
		if t.Error != nil {
			return nil, fmt.Errorf("metadata of %s: %w", topic, t.Error)
		}
		ids := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
		slices.Sort(ids)
		return ids, nil
	}
	return nil, fmt.Errorf("%s: %w", topic, ErrUnknownTopic)
}

// span is a partition's offsets at one moment: records [First, End) exist.
type span struct {
	Partition int
	First     int64
	End       int64
}

// spans lists each partition's first and end offsets (ListOffsets earliest
// and latest), ordered by partition.
func (s *session) spans(ctx context.Context, topic string) ([]span, error) {
	ids, err := s.partitions(ctx, topic)
	if err != nil {
		return nil, err
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, id := range ids {
		req.Topics[topic] = append(req.Topics[topic], kafka.FirstOffsetOf(id), kafka.LastOffsetOf(id))
	}
	res, err := s.client.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	out := make([]span, 0, len(ids))
	for _, p := range res.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("list offsets of %s/%d: %w", topic, p.Partition, p.Error)
		}
		out = append(out, span{Partition: p.Partition, First: p.FirstOffset, End: p.LastOffset})
	}
	if len(out) != len(ids) {
		return nil, fmt.Errorf("list offsets of %s: %d of %d partitions answered", topic, len(out), len(ids))
	}
	slices.SortFunc(out, func(a, b span) int { return a.Partition - b.Partition })
	return out, nil
}

// MissingTopics returns those of topics the broker does not have, so a caller
// can tell "no records" from "no such topic" (a wrong KAFKA_TOPIC_PREFIX, or
// a stack that never ran).
func MissingTopics(ctx context.Context, brokers []string, topics ...string) ([]string, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	var missing []string
	for _, t := range topics {
		if _, err := s.partitions(ctx, t); errors.Is(err, ErrUnknownTopic) {
			missing = append(missing, t)
		} else if err != nil {
			return nil, err
		}
	}
	return missing, nil
}
