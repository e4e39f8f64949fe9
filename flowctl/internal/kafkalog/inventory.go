package kafkalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go"
)

// Inventory is what the broker holds by name: its topics and its consumer
// groups, each sorted. What a change added is read off two of them.
type Inventory struct {
	Topics []string `json:"topics"`
	Groups []string `json:"groups"`
}

// ListInventory asks the broker for every topic and consumer group it has.
func ListInventory(ctx context.Context, brokers []string) (Inventory, error) {
	s, err := newSession(brokers)
	if err != nil {
		return Inventory{}, err
	}
	defer s.close()
	md, err := s.client.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		return Inventory{}, fmt.Errorf("list topics on %s: %w", strings.Join(brokers, ","), err)
	}
	var inv Inventory
	for _, t := range md.Topics {
		inv.Topics = append(inv.Topics, t.Name)
	}
	gs, err := s.client.ListGroups(ctx, &kafka.ListGroupsRequest{})
	if err == nil && gs.Error != nil {
		err = gs.Error
	}
	if err != nil {
		return Inventory{}, fmt.Errorf("list consumer groups on %s: %w", strings.Join(brokers, ","), err)
	}
	for _, g := range gs.Groups {
		inv.Groups = append(inv.Groups, g.GroupID)
	}
	slices.Sort(inv.Topics)
	slices.Sort(inv.Groups)
	return inv, nil
}

// Added is what after holds that before did not, keeping only names with
// prefix (one stack's part of a shared broker).
func (before Inventory) Added(after Inventory, prefix string) Inventory {
	only := func(a, b []string) []string {
		var out []string
		for _, n := range b {
			if strings.HasPrefix(n, prefix) && !slices.Contains(a, n) {
				out = append(out, n)
			}
		}
		return out
	}
	return Inventory{Topics: only(before.Topics, after.Topics), Groups: only(before.Groups, after.Groups)}
}
