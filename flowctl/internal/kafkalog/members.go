package kafkalog

import (
	"github.com/segmentio/kafka-go"

	"context"
	"fmt"
	"slices"
)

// Member is one consumer of a group: its client's host and the partitions
// the group gave it, by topic.
type Member struct {
	ID         string           `json:"id"`
	ClientHost string           `json:"client_host"`
	Partitions map[string][]int `json:"partitions"`
}

// Held counts the partitions m holds, over every topic.
func (m Member) Held() int {
	n := 0
	for _, ps := range m.Partitions {
		n += len(ps)
	}
	return n
}

// GroupMembers describes group: its members and what each consumes (the
// broker's DescribeGroups), ordered by member id. A group without members
// (none joined, or all left) is an empty list.
func GroupMembers(ctx context.Context, brokers []string, group string) ([]Member, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	res, err := s.client.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return nil, fmt.Errorf("describe group %s: %w", group, err)
	}
	var out []Member
	for _, g := range res.Groups {
		if g.Error != nil {
			return nil, fmt.Errorf("describe group %s: %w", group, g.Error)
		}
		for _, m := range g.Members {
			mem := Member{ID: m.MemberID, ClientHost: m.ClientHost, Partitions: map[string][]int{}}
			for _, t := range m.MemberAssignments.Topics {
				mem.Partitions[t.Topic] = slices.Sorted(slices.Values(t.Partitions))
			}
			out = append(out, mem)
		}
	}
	slices.SortFunc(out, func(a, b Member) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out, nil
}
