package kafkalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// Two consumers of one group on a topic of 3 partitions: the group shows
// both, holding the 3 partitions between them.
func TestGroupMembersShowsWhoHoldsWhichPartitions(t *testing.T) {
	brokers := cluster(t, "stock.v1")
	if got, err := kafkalog.GroupMembers(ctx(t), brokers, "inventory-svc.events"); err != nil || len(got) != 0 {
		t.Fatalf("no consumer yet: %v, %v; want no member", got, err)
	}
	rctx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	for range 2 {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: "inventory-svc.events", Topic: "stock.v1",
			HeartbeatInterval: 100 * time.Millisecond, MaxWait: 100 * time.Millisecond})
		defer r.Close()
		go func() { _, _ = r.FetchMessage(rctx) }()
	}
	var got []kafkalog.Member
	for range 300 {
		var err error
		if got, err = kafkalog.GroupMembers(ctx(t), brokers, "inventory-svc.events"); err != nil {
			t.Fatal(err)
		}
		if len(got) == 2 && got[0].Held()+got[1].Held() == 3 && got[0].Held() > 0 && got[1].Held() > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("two consumers: members %+v, want 2 sharing 3 partitions", got)
}
