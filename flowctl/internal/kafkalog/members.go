package kafkalog

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go"
)

// Member is one consumer of a group as the broker assigned it: the
// partitions it reads, by topic (none: it idles, as a consumer beyond a
// topic's partition count does).
type Member struct {
	ID, ClientID, Host string
	Partitions         map[string][]int
}

// Assigned counts the member's partitions over every topic.
func (m Member) Assigned() int {
	n := 0
	for _, ps := range m.Partitions {
		n += len(ps)
	}
	return n
}

// Group is a consumer group's state and members (by member id).
type Group struct {
	ID, State string
	Members   []Member
}

// Idle are the members the broker gave no partition.
func (g Group) Idle() []Member {
	var out []Member
	for _, m := range g.Members {
		if m.Assigned() == 0 {
			out = append(out, m)
		}
	}
	return out
}

// String is the assignment on one line:
// "4 members (Stable): a: t/0 · b: t/1 · c: t/2 · d: no partition".
func (g Group) String() string {
	parts := make([]string, len(g.Members))
	for i, m := range g.Members {
		var ps []string
		for _, t := range slices.Sorted(maps.Keys(m.Partitions)) {
			for _, p := range m.Partitions[t] {
				ps = append(ps, fmt.Sprintf("%s/%d", t, p))
			}
		}
		if len(ps) == 0 {
			ps = []string{"no partition"}
		}
		parts[i] = m.ID + ": " + strings.Join(ps, ",")
	}
	return fmt.Sprintf("%d members (%s): %s", len(g.Members), g.State, strings.Join(parts, " · "))
}

// DescribeGroup asks the broker for group's members and their assignments.
func DescribeGroup(ctx context.Context, brokers []string, group string) (Group, error) {
	s, err := newSession(brokers)
	if err != nil {
		return Group{}, err
	}
	defer s.close()
	res, err := s.client.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return Group{}, fmt.Errorf("describe consumer group %s: %w", group, err)
	}
	if len(res.Groups) != 1 {
		return Group{}, fmt.Errorf("describe consumer group %s: the broker answered %d groups", group, len(res.Groups))
	}
	rg := res.Groups[0]
	if rg.Error != nil {
		return Group{}, fmt.Errorf("describe consumer group %s: %w", group, rg.Error)
	}
	g := Group{ID: rg.GroupID, State: rg.GroupState}
	for _, m := range rg.Members {
		mm := Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Partitions: map[string][]int{}}
		for _, t := range m.MemberAssignments.Topics {
			if len(t.Partitions) > 0 {
				mm.Partitions[t.Topic] = slices.Sorted(slices.Values(t.Partitions))
			}
		}
		g.Members = append(g.Members, mm)
	}
	slices.SortFunc(g.Members, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
	return g, nil
}

// Partitions is how many partitions topic has.
func Partitions(ctx context.Context, brokers []string, topic string) (int, error) {
	s, err := newSession(brokers)
	if err != nil {
		return 0, err
	}
	defer s.close()
	ps, err := s.partitions(ctx, topic)
	return len(ps), err
}
