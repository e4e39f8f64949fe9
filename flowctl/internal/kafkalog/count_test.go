package kafkalog_test

import (
	"testing"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// Records counts what the topics hold across partitions; a topic the broker
// does not have adds nothing.
func TestRecordsCountsAcrossPartitions(t *testing.T) {
	brokers := cluster(t, "a.v1.dlq", "b.v1.dlq")
	publishEvents(t, brokers, "a.v1.dlq", 5)
	publishEvents(t, brokers, "b.v1.dlq", 2)
	n, err := kafkalog.Records(ctx(t), brokers, "a.v1.dlq", "b.v1.dlq", "missing.v1.dlq")
	if err != nil || n != 7 {
		t.Fatalf("Records = %d, %v; want 7", n, err)
	}
	n, err = kafkalog.Records(ctx(t), brokers, "missing.v1.dlq")
	if err != nil || n != 0 {
		t.Fatalf("Records of a missing topic = %d, %v", n, err)
	}
}
