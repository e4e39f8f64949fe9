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
	l := kafkalog.LogOf(stackmode.Events, prefix)

	// inventory-svc reads orders.v1 and invoicing.v1 (5); invoicing-svc
	// inventory.v1 and orders.v1 (2 + 5); order-svc inventory.v1 and
	// invoicing.v1 (2).
	if n, err := backlog(ctx, brokers, l); err != nil || n != 14 {
		t.Fatalf("backlog before any commit = %d, %v; want 14", n, err)
	}
	// inventory-svc's group catches up on orders.v1.
	if _, err := kafkalog.Replay(ctx, brokers, prefix+events.TopicOrders, prefix+drainedService+".events",
		func(kafkalog.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := backlog(ctx, brokers, l); err != nil || n != 9 {
		t.Fatalf("backlog after inventory-svc's group committed orders.v1 = %d, %v; want 9", n, err)
	}
}

// TestBacklogOfTheOrchestratedStack: the orchestrated stack's backlog is its
// own groups ("orch." after the prefix) on its command and reply topics; the
// choreographed stack's topics under the same base prefix are not its.
func TestBacklogOfTheOrchestratedStack(t *testing.T) {
	const base = "x."
	l := kafkalog.LogOf(stackmode.Orchestration, base)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, l.Topics()...), kfake.SeedTopics(3, base+events.TopicOrders))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	brokers := c.ListenAddrs()
	for topic, n := range map[string]int{
		l.Prefix + events.TopicInventoryCommands: 3, l.Prefix + events.TopicSagaReplies: 2,
		l.Prefix + events.TopicOrders: 4, base + events.TopicOrders: 7,
	} {
		for i := range n {
			if _, _, err := kafkalog.Publish(ctx, brokers, topic, fmt.Appendf(nil, "k%d", i), []byte("{}"), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	// inventory-svc reads its commands (3), order-svc the replies (2); no
	// one in this stack reads orders.v1, and the other stack's is not here.
	if n, err := backlog(ctx, brokers, l); err != nil || n != 5 {
		t.Fatalf("backlog = %d, %v; want 5", n, err)
	}
	if _, err := kafkalog.Replay(ctx, brokers, l.Prefix+events.TopicInventoryCommands, l.Group(drainedService),
		func(kafkalog.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := backlog(ctx, brokers, l); err != nil || n != 2 {
		t.Fatalf("backlog after inventory-svc's group committed its commands = %d, %v; want 2", n, err)
	}
}
