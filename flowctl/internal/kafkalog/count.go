package kafkalog

import (
	"context"
	"errors"
)

// Records counts the records topics hold: per partition, its end offset
// minus its first. A topic the broker does not have holds none. It reads
// offsets only, so it is cheap enough to poll (the dashboard's dead-letter
// count).
func Records(ctx context.Context, brokers []string, topics ...string) (int64, error) {
	s, err := newSession(brokers)
	if err != nil {
		return 0, err
	}
	defer s.close()
	var n int64
	for _, t := range topics {
		sp, err := s.spans(ctx, t)
		if errors.Is(err, ErrUnknownTopic) {
			continue
		}
		if err != nil {
			return 0, err
		}
		for _, p := range sp {
			n += max(p.End-p.First, 0)
		}
	}
	return n, nil
}
