package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// A run that reads the log reads what it produced, not the whole history a
// bench or an earlier workshop group left (issue 20, item 5): it marks the
// end offsets before it starts (EndOffsets) or names a time (OffsetsAt),
// and reads from there (ReadFrom, ReplayFrom).

// Offsets are positions in topics: topic → partition → offset. A partition
// missing from a topic's map (a topic created after the mark, or one added
// since) is read from its first offset: all it holds is new.
type Offsets map[string]map[int]int64

// EndOffsets marks where topics end now: what a run writes after this
// comes at or after these offsets. A topic the broker does not have yet
// gets an empty map.
func EndOffsets(ctx context.Context, brokers []string, topics ...string) (Offsets, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	out := Offsets{}
	for _, t := range topics {
		out[t] = map[int]int64{}
		spans, err := s.spans(ctx, t)
		if errors.Is(err, ErrUnknownTopic) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mark the end of %s: %w", t, err)
		}
		for _, sp := range spans {
			out[t][sp.Partition] = sp.End
		}
	}
	return out, nil
}

// OffsetsAt are, per partition of topics, the first offset whose record's
// timestamp is at or after at (the end offset when none is), as Kafka's
// `--reset-offsets --to-datetime` finds them. The zero time is before
// every record: the first offsets.
func OffsetsAt(ctx context.Context, brokers []string, at time.Time, topics ...string) (Offsets, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	out := Offsets{}
	for _, t := range topics {
		out[t] = map[int]int64{}
		spans, err := s.spans(ctx, t)
		if errors.Is(err, ErrUnknownTopic) {
			continue
		}
		if err != nil {
			return nil, err
		}
		req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
		for _, sp := range spans {
			out[t][sp.Partition] = sp.End // no record at or after at: nothing to read
			req.Topics[t] = append(req.Topics[t], kafka.TimeOffsetOf(sp.Partition, at))
		}
		res, err := s.client.ListOffsets(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("offsets of %s at %s: %w", t, at.UTC().Format(time.RFC3339Nano), err)
		}
		for _, p := range res.Topics[t] {
			if p.Error != nil {
				return nil, fmt.Errorf("offsets of %s/%d at %s: %w", t, p.Partition, at.UTC().Format(time.RFC3339Nano), p.Error)
			}
			for off := range p.Offsets { // one: the first at or after at
				if off >= 0 {
					out[t][p.Partition] = off
				}
			}
		}
	}
	return out, nil
}

// from narrows spans to what lies at or after the offsets of one topic
// (nil: all of it).
func from(spans []span, offsets map[int]int64) []span {
	out := make([]span, len(spans))
	for i, sp := range spans {
		if off, ok := offsets[sp.Partition]; ok && off >= 0 {
			sp.First = min(max(sp.First, off), sp.End)
		}
		out[i] = sp
	}
	return out
}

// ReadFrom is ReadAll of topic from offsets on (nil: from the start).
func ReadFrom(ctx context.Context, brokers []string, topic string, offsets map[int]int64) ([]Record, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.readFrom(ctx, topic, offsets)
}

// Count is how many records topics hold from offsets on (nil: all): end
// minus start per partition, offsets only.
func Count(ctx context.Context, brokers []string, offsets Offsets, topics ...string) (int64, error) {
	s, err := newSession(brokers)
	if err != nil {
		return 0, err
	}
	defer s.close()
	var n int64
	for _, t := range topics {
		spans, err := s.spans(ctx, t)
		if errors.Is(err, ErrUnknownTopic) {
			continue
		}
		if err != nil {
			return 0, err
		}
		for _, sp := range from(spans, offsets[t]) {
			n += max(sp.End-sp.First, 0)
		}
	}
	return n, nil
}
