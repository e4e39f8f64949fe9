package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
)

// stallTimeout bounds how long a read may see no record while the partition
// still has records below the end it is reading to. A healthy local broker
// answers in milliseconds; this turns an unexpected gap (say, a transaction
// marker as a partition's last offset, which no reader ever returns) or a
// broker that stopped mid-read into an error instead of a hang.
const stallTimeout = 10 * time.Second

// ReadAll returns every record of every partition of topic, from each
// partition's first offset up to its end offset as of the call; records
// written meanwhile are not waited for. Records come ordered by partition,
// then offset. A topic the broker does not have yields no records and no
// error (MissingTopics tells the two apart).
func ReadAll(ctx context.Context, brokers []string, topic string) ([]Record, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.readFrom(ctx, topic, nil)
}

// readFrom reads topic from offsets (nil: each partition's first offset)
// up to its end offsets as of the call.
func (s *session) readFrom(ctx context.Context, topic string, offsets map[int]int64) ([]Record, error) {
	spans, err := s.spans(ctx, topic)
	if errors.Is(err, ErrUnknownTopic) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	spans = from(spans, offsets)
	// Partitions are read at once: each reader's Close waits for its last
	// fetch, which the broker holds up to its wait (50 ms) at the end of the log.
	parts := make([][]Record, len(spans))
	errs := make([]error, len(spans))
	var wg sync.WaitGroup
	for i, sp := range spans {
		if sp.First >= sp.End {
			continue // empty: no reader, nothing to wait for
		}
		wg.Go(func() { parts[i], errs[i] = s.readPartition(ctx, topic, sp) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(parts...), nil
}

// readPartition reads [sp.First, sp.End) of one partition with a plain
// partition reader: no consumer group, so nothing is committed and no group
// appears on the broker.
func (s *session) readPartition(ctx context.Context, topic string, sp span) ([]Record, error) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   s.brokers,
		Topic:     topic,
		Partition: sp.Partition,
		Dialer:    s.dialer(),
		MinBytes:  1,
		MaxBytes:  10 << 20,
		// A short broker wait: the reader fetches ahead, and its Close waits
		// for that fetch, which the broker holds at the end of the log.
		MaxWait:          kafkaconf.MaxWait(50 * time.Millisecond),
		ReadBatchTimeout: 2 * time.Second,
		ReadBackoffMin:   50 * time.Millisecond,
		ReadBackoffMax:   500 * time.Millisecond,
		MaxAttempts:      3,
	})
	defer r.Close()
	if err := r.SetOffset(sp.First); err != nil {
		return nil, fmt.Errorf("read %s/%d from %d: %w", topic, sp.Partition, sp.First, err)
	}
	out := make([]Record, 0, sp.End-sp.First)
	next := sp.First
	for next < sp.End {
		rctx, cancel := context.WithTimeout(ctx, stallTimeout)
		m, err := r.FetchMessage(rctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("read %s/%d: %w", topic, sp.Partition, ctx.Err())
			}
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("read %s/%d: no record for %s at offset %d, below the end offset %d", topic, sp.Partition, stallTimeout, next, sp.End)
			}
			return nil, fmt.Errorf("read %s/%d at offset %d: %w", topic, sp.Partition, next, err)
		}
		if m.Offset >= sp.End {
			break // written after the call began (past a gap): not ours to read
		}
		out = append(out, recordOf(m))
		next = m.Offset + 1
	}
	return out, nil
}
