package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// runConsumer runs c until the test ends.
func runConsumer(t *testing.T, c *kafkabus.Consumer) *kafkabus.Consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

func newConsumer(brokers []string, group string, h kafkabus.Handler) *kafkabus.Consumer {
	return kafkabus.NewConsumer(kafkabus.ConsumerConfig{Brokers: brokers, Group: group, Topics: []string{groupTestTopic}, Handler: h, Logger: benchLogger})
}

// paused holds every batch until the consumer stops, as consume.Pause does
// while /admin/faults says consumers_paused.
func paused(ctx context.Context, _ []*kafkabus.Delivery) error {
	<-ctx.Done()
	return ctx.Err()
}

// A consumer is not ready before it joined its group, and ready once it
// was assigned its partitions and fetched from each (readiness_internal_test
// covers the step between); holding its batches (paused) does not make it
// unready.
func TestConsumerReadyAfterJoinAndFirstFetch(t *testing.T) {
	brokers := benchBroker(t, "", groupTestTopic, events.DLQ(groupTestTopic))
	c := newConsumer(brokers, "ready-test", paused)
	if err := c.Ready(); err == nil || err.Error() != "consumer group ready-test: not joined yet" {
		t.Fatalf("before it runs: %v, want not joined yet", err)
	}
	runConsumer(t, c)
	eventually(t, 30*time.Second, "ready", func() bool { return c.Ready() == nil })

	pub := benchPublisher(brokers)
	defer pub.Close()
	benchPublish(t, pub, []kafkabus.Message{seqMessage(t, "00000000-0000-4000-8000-000000000001", 1)})
	time.Sleep(200 * time.Millisecond) // the batch is held now
	if err := c.Ready(); err != nil {
		t.Errorf("a paused consumer became unready: %v", err)
	}
}

// With more members than partitions one member is assigned nothing: joined
// and assigned is ready (replicas will outnumber partitions).
func TestConsumerWithEmptyAssignmentIsReady(t *testing.T) {
	brokers := benchBrokerN(t, "", 1, groupTestTopic, events.DLQ(groupTestTopic))
	a := runConsumer(t, newConsumer(brokers, "replicas", paused))
	eventually(t, 30*time.Second, "the first member ready", func() bool { return a.Ready() == nil })
	b := runConsumer(t, newConsumer(brokers, "replicas", paused))
	eventually(t, 30*time.Second, "the second member, with nothing or everything assigned, ready", func() bool { return b.Ready() == nil })
	if err := a.Ready(); err != nil {
		t.Errorf("the first member after the rebalance: %v", err)
	}
}
