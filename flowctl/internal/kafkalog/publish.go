package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
)

// Publish writes one record to topic and returns where it landed. The
// partition is chosen by hashing key, as the services' writers do, so a
// record for an order joins that order's other records. A topic the broker
// does not have is an error wrapping ErrUnknownTopic: nothing creates it.
func Publish(ctx context.Context, brokers []string, topic string, key, value []byte, headers map[string]string) (partition int, offset int64, err error) {
	s, err := newSession(brokers)
	if err != nil {
		return 0, 0, err
	}
	defer s.close()
	p := s.newPublisher()
	defer p.close()
	pos, err := p.publish(ctx, topic, key, value, headers)
	return pos.Partition, pos.Offset, err
}

// publisher writes one record at a time and learns each one's offset.
type publisher struct {
	s *session
	w *kafka.Writer
	// last is what the writer's Completion reported for the last write: a
	// synchronous WriteMessages returns only after Completion ran.
	mu   sync.Mutex
	last []kafka.Message
}

// newPublisher's writer has the services' settings (platform/kafkaconf) on
// the session's transport.
func (s *session) newPublisher() *publisher {
	p := &publisher{s: s}
	p.w = kafkaconf.Writer(s.brokers)
	p.w.Transport = s.transport
	p.w.Completion = func(msgs []kafka.Message, err error) {
		if err == nil {
			p.mu.Lock()
			p.last = append(p.last[:0], msgs...)
			p.mu.Unlock()
		}
	}
	return p
}

func (p *publisher) close() { p.w.Close() }

func (p *publisher) publish(ctx context.Context, topic string, key, value []byte, headers map[string]string) (Position, error) {
	// Checked first for a clear error: the writer would retry and report
	// an unknown partition instead.
	if _, err := p.s.partitions(ctx, topic); err != nil {
		if errors.Is(err, ErrUnknownTopic) {
			return Position{}, fmt.Errorf("publish to %s: the broker has no such topic (the services create their topics at start-up): %w", topic, err)
		}
		return Position{}, fmt.Errorf("publish to %s: %w", topic, err)
	}
	p.mu.Lock()
	p.last = p.last[:0]
	p.mu.Unlock()
	m := kafka.Message{Topic: topic, Key: key, Value: value, Headers: kafkaHeaders(headers)}
	if err := p.w.WriteMessages(ctx, m); err != nil {
		return Position{}, fmt.Errorf("publish to %s: %w", topic, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.last) != 1 {
		return Position{}, fmt.Errorf("publish to %s: the writer reported %d written records, want 1", topic, len(p.last))
	}
	return Position{Topic: topic, Partition: p.last[0].Partition, Offset: p.last[0].Offset}, nil
}

// partitionFor is the partition a record with key goes to: the same hash as
// the writer's balancer, over the topic's partitions; -1 for a record without
// a key, which the balancer spreads round-robin.
func (p *publisher) partitionFor(ctx context.Context, topic string, key []byte) (int, error) {
	if len(key) == 0 {
		return -1, nil
	}
	ids, err := p.s.partitions(ctx, topic)
	if err != nil {
		return 0, err
	}
	return (&kafka.Hash{}).Balance(kafka.Message{Key: key}, ids...), nil
}

// kafkaHeaders orders headers by name, so a record's headers do not depend on
// map order.
func kafkaHeaders(h map[string]string) []kafka.Header {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]kafka.Header, 0, len(keys))
	for _, k := range keys {
		out = append(out, kafka.Header{Key: k, Value: []byte(h[k])})
	}
	return out
}
