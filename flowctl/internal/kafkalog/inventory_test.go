package kafkalog_test

import (
	"slices"
	"testing"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// TestInventoryAdded: a topic created and a group that committed after the
// first look are what the second adds, within the stack's prefix only.
func TestInventoryAdded(t *testing.T) {
	brokers := cluster(t, "orders.v1", "orch.orders.v1")
	before, err := kafkalog.ListInventory(ctx(t), brokers)
	if err != nil {
		t.Fatal(err)
	}
	createTopics(t, brokers, "fraud.v1", "orch.fraud.commands.v1")
	publishEvents(t, brokers, "fraud.v1", 1)
	if _, err := kafkalog.Replay(ctx(t), brokers, "fraud.v1", "fraud-svc.events", func(kafkalog.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	after, err := kafkalog.ListInventory(ctx(t), brokers)
	if err != nil {
		t.Fatal(err)
	}
	got := before.Added(after, "")
	if !slices.Contains(got.Topics, "fraud.v1") || !slices.Contains(got.Topics, "orch.fraud.commands.v1") || slices.Contains(got.Topics, "orders.v1") {
		t.Errorf("added topics %v, want fraud.v1 and orch.fraud.commands.v1, not orders.v1", got.Topics)
	}
	if !slices.Contains(got.Groups, "fraud-svc.events") {
		t.Errorf("added groups %v, want fraud-svc.events", got.Groups)
	}
	if orch := before.Added(after, "orch."); !slices.Equal(orch.Topics, []string{"orch.fraud.commands.v1"}) || len(orch.Groups) != 0 {
		t.Errorf("added under orch.: %+v, want only orch.fraud.commands.v1", orch)
	}
}
