package kafkalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// TestDescribeGroupIdleMember: four consumers of one group on a topic of
// three partitions: the broker gives one of them nothing, and
// DescribeGroup shows it idle.
func TestDescribeGroupIdleMember(t *testing.T) {
	brokers := cluster(t, "cap.orders")
	const group = "cap.inventory-svc"
	rctx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	for i := range 4 {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: group, Topic: "cap.orders",
			MaxWait: 100 * time.Millisecond, HeartbeatInterval: 200 * time.Millisecond,
			Dialer: &kafka.Dialer{ClientID: fmt.Sprintf("replica-%d", i), Timeout: 5 * time.Second}})
		t.Cleanup(func() { r.Close() })
		go func() { _, _ = r.FetchMessage(rctx) }() // joins the group
	}
	g := waitMembers(t, brokers, group, 4)
	if idle := g.Idle(); len(idle) != 1 {
		t.Fatalf("4 members on 3 partitions: %d idle, want 1 (%s)", len(idle), g)
	}
	if !strings.Contains(g.String(), "no partition") {
		t.Errorf("the line does not show the idle member: %s", g)
	}
}

// TestGroupIdle: a member with any partition is not idle (the check that
// TestDescribeGroupIdleMember's count rests on).
func TestGroupIdle(t *testing.T) {
	g := kafkalog.Group{Members: []kafkalog.Member{
		{ID: "a", Partitions: map[string][]int{"t": {0, 1}}},
		{ID: "b", Partitions: map[string][]int{"u": {2}}},
		{ID: "c", Partitions: map[string][]int{}},
	}}
	if idle := g.Idle(); len(idle) != 1 || idle[0].ID != "c" {
		t.Fatalf("Idle = %+v, want only c", idle)
	}
	if got, want := g.String(), "3 members (): a: t/0,t/1 · b: u/2 · c: no partition"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// waitMembers waits until group has n members with every partition
// assigned (a stable group), or fails the test.
func waitMembers(t *testing.T, brokers []string, group string, n int) kafkalog.Group {
	t.Helper()
	var g kafkalog.Group
	var err error
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		g, err = kafkalog.DescribeGroup(ctx(t), brokers, group)
		assigned := 0
		for _, m := range g.Members {
			assigned += m.Assigned()
		}
		if err == nil && len(g.Members) == n && assigned == 3 && g.State == "Stable" {
			return g
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("group %s never had %d members with 3 partitions assigned: %s (err %v)", group, n, g, err)
	return g
}
