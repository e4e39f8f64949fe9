package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestBacklogSumsTheTopologysGroups: the backlog is every consumer group
// the topology names, on the topics it says each consumes — so a commit by
// the services' own group (and only that) shrinks it.
func TestBacklogSumsTheTopologysGroups(t *testing.T) {
	const prefix = "x."
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3,
		prefix+events.TopicOrders, prefix+events.TopicInventory, prefix+events.TopicInvoicing))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	brokers := c.ListenAddrs()
	publish := func(topic string, n int) {
		for i := range n {
			if _, _, err := kafkalog.Publish(ctx, brokers, prefix+topic, fmt.Appendf(nil, "k%d", i), []byte("{}"), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	publish(events.TopicOrders, 5)
	publish(events.TopicInventory, 2)
	si := StackInfo{Mode: stackmode.Events, Brokers: brokers, TopicPrefix: prefix}

	// inventory-svc reads orders.v1 and invoicing.v1 (5); invoicing-svc
	// inventory.v1 and orders.v1 (2 + 5); order-svc inventory.v1 and
	// invoicing.v1 (2).
	if n, err := backlog(ctx, si); err != nil || n != 14 {
		t.Fatalf("backlog before any commit = %d, %v; want 14", n, err)
	}
	// inventory-svc's group catches up on orders.v1.
	if _, err := kafkalog.Replay(ctx, brokers, prefix+events.TopicOrders, prefix+drainedService+".events",
		func(kafkalog.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := backlog(ctx, si); err != nil || n != 9 {
		t.Fatalf("backlog after inventory-svc's group committed orders.v1 = %d, %v; want 9", n, err)
	}
}
