package kafkalog_test

import (
	"slices"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

func TestWipeDeletesTheStacksTopicsAndGroupsOnly(t *testing.T) {
	brokers := cluster(t, "p.orders.v1", "p.orders.v1.dlq", "other.v1")
	publishEvents(t, brokers, "p.orders.v1", 5)
	publishEvents(t, brokers, "other.v1", 2)
	for _, g := range []string{"p.inventory-svc.events", "p.replay.invoicing.1", "someone-else"} {
		if _, err := kafkalog.Replay(ctx(t), brokers, "p.orders.v1", g, func(kafkalog.Record) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	w, err := kafkalog.Wipe(ctx(t), brokers, []string{"p.orders.v1", "p.orders.v1.dlq", "p.inventory.v1"},
		[]string{"p.inventory-svc.events", "p.order-svc.events"}, []string{"p.replay."}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Topics, []string{"p.orders.v1", "p.orders.v1.dlq"}) {
		t.Errorf("deleted topics %v, want the two that existed", w.Topics)
	}
	if !slices.Equal(w.Groups, []string{"p.inventory-svc.events", "p.replay.invoicing.1"}) {
		t.Errorf("deleted groups %v, want the stack's group and its replay group", w.Groups)
	}
	// The topic is gone (a fresh one would start at offset 0), the other stays.
	if recs, err := kafkalog.ReadAll(ctx(t), brokers, "p.orders.v1"); err == nil && len(recs) > 0 {
		t.Errorf("p.orders.v1 still holds %d records after the wipe", len(recs))
	}
	recs, err := kafkalog.ReadAll(ctx(t), brokers, "other.v1")
	if err != nil || len(recs) != 2 {
		t.Errorf("other.v1 after the wipe: %d records, %v; want its 2 untouched", len(recs), err)
	}
	// A group that is not the stack's keeps its offsets.
	if lag, err := kafkalog.GroupLag(ctx(t), brokers, "someone-else", []string{"other.v1"}); err != nil || lag != 2 {
		t.Errorf("someone-else's lag = %d, %v; want 2 (group kept)", lag, err)
	}
	// Again: nothing left to delete is not an error.
	if w, err := kafkalog.Wipe(ctx(t), brokers, []string{"p.orders.v1"}, []string{"p.inventory-svc.events"}, nil, 10*time.Second); err != nil || len(w.Topics)+len(w.Groups) != 0 {
		t.Errorf("second wipe = %+v, %v; want nothing, no error", w, err)
	}
}
