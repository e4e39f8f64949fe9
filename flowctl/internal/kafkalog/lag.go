package kafkalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/segmentio/kafka-go"
)

// PartitionLag is one partition's backlog for a group.
type PartitionLag struct {
	Topic     string `json:"topic"`
	Partition int    `json:"partition"`
	// Committed is the group's committed offset, -1 when it has none.
	Committed int64 `json:"committed"`
	First     int64 `json:"first"`
	End       int64 `json:"end"`
	// Lag is End minus the group's position: Committed, or First for a
	// partition without a commit (or one committed below what is retained).
	Lag int64 `json:"lag"`
}

// GroupLag is group's backlog on topics: the sum over their partitions of end
// offset minus committed offset, a partition without a commit counting from
// its first offset. It is what piles up while a consumer is down. A topic the
// broker does not have adds nothing.
func GroupLag(ctx context.Context, brokers []string, group string, topics []string) (int64, error) {
	parts, err := GroupLagByPartition(ctx, brokers, group, topics)
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, p := range parts {
		sum += p.Lag
	}
	return sum, nil
}

// GroupLagByPartition is GroupLag per partition, ordered by topic as given,
// then partition.
func GroupLagByPartition(ctx context.Context, brokers []string, group string, topics []string) ([]PartitionLag, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	spans := map[string][]span{}
	for _, t := range topics {
		sp, err := s.spans(ctx, t)
		if errors.Is(err, ErrUnknownTopic) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("lag of group %s: %w", group, err)
		}
		spans[t] = sp
	}
	if len(spans) == 0 {
		return nil, nil
	}
	committed, err := s.committed(ctx, group, spans)
	if err != nil {
		return nil, fmt.Errorf("lag of group %s: %w", group, err)
	}
	var out []PartitionLag
	for _, t := range topics {
		for _, sp := range spans[t] {
			c, ok := committed[t][sp.Partition]
			if !ok {
				c = -1
			}
			pos := max(c, sp.First)
			out = append(out, PartitionLag{Topic: t, Partition: sp.Partition, Committed: c, First: sp.First, End: sp.End, Lag: max(sp.End-pos, 0)})
		}
	}
	return out, nil
}

// committed returns group's committed offset per topic and partition (-1 for
// none) with one OffsetFetch.
func (s *session) committed(ctx context.Context, group string, spans map[string][]span) (map[string]map[int]int64, error) {
	req := &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{}}
	for t, sps := range spans {
		for _, sp := range sps {
			req.Topics[t] = append(req.Topics[t], sp.Partition)
		}
	}
	res, err := s.client.OffsetFetch(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("committed offsets of group %s: %w", group, err)
	}
	if errors.Is(res.Error, kafka.GroupIdNotFound) {
		// Real Kafka answers -1 per partition for an unknown group; some
		// brokers (kfake) say the group does not exist. Both mean: no commits.
		return map[string]map[int]int64{}, nil
	}
	if res.Error != nil {
		return nil, fmt.Errorf("committed offsets of group %s: %w", group, res.Error)
	}
	out := map[string]map[int]int64{}
	for t, parts := range res.Topics {
		out[t] = map[int]int64{}
		for _, p := range parts {
			if p.Error != nil {
				return nil, fmt.Errorf("committed offset of group %s on %s/%d: %w", group, t, p.Partition, p.Error)
			}
			out[t][p.Partition] = p.CommittedOffset
		}
	}
	return out, nil
}
