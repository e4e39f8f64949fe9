package scaleout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fakeControl records the scale calls; failAt fails the scale to that
// count once.
type fakeControl struct {
	stack.Unimplemented
	calls  []string
	failAt int
}

func (c *fakeControl) Runtime() string { return "fake" }
func (c *fakeControl) Scale(_ context.Context, _ stackmode.Mode, svc string, n int) error {
	c.calls = append(c.calls, fmt.Sprintf("%s=%d", svc, n))
	if n == c.failAt {
		c.failAt = 0
		return errors.New("PostgreSQL needed")
	}
	return nil
}

func TestScaleStepsGoOutAndIn(t *testing.T) {
	c := &fakeControl{}
	ws, err := scaleSteps(context.Background(), &kit.Env{Control: c}, kit.Target{Mode: stackmode.Events}, time.Millisecond, watch{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.calls, " "); got != "inventory-svc=3 inventory-svc=1" {
		t.Errorf("calls %s, want out to 3 then in to 1", got)
	}
	var names []string
	for i, w := range ws {
		names = append(names, fmt.Sprintf("%s×%d", w.Name, w.Replicas))
		if i > 0 && w.From.Before(ws[i-1].To) {
			t.Errorf("window %s starts before %s ended", w.Name, ws[i-1].Name)
		}
	}
	if got := strings.Join(names, ", "); got != "1 replica×1, scaling out×3, 3 replicas×3, scaling in×1, 1 replica again×1" {
		t.Errorf("windows: %s", got)
	}
}

func TestScaleStepsLeaveOneReplicaOnError(t *testing.T) {
	c := &fakeControl{failAt: 3}
	ws, err := scaleSteps(context.Background(), &kit.Env{Control: c}, kit.Target{Mode: stackmode.Sync}, time.Millisecond, watch{})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL needed") {
		t.Fatalf("a refused scale-out: err %v", err)
	}
	if got := strings.Join(c.calls, " "); got != "inventory-svc=3 inventory-svc=1" {
		t.Errorf("calls %s, want the refused 3 and the clean-up to 1", got)
	}
	if len(ws) != 1 {
		t.Errorf("windows %+v, want only the first", ws)
	}
}

// A brokered stack's change lasts until its group settled: the window
// ends after the wait, which Settle measures from the change's start; the
// counts are read around the scale-in only.
func TestScaleStepsWaitForTheGroupAndReadAroundTheScaleIn(t *testing.T) {
	c := &fakeControl{}
	var calls []string
	v := view(3, members([]int{0, 1, 2}), members([]int{0}, []int{1}, []int{2}), members([]int{0, 1, 2}))
	w := watch{
		Before: func(_ context.Context, ch change) { calls = append(calls, "before "+ch.Name) },
		After:  func(_ context.Context, ch change) { calls = append(calls, "after "+ch.Name) },
		Settle: func(ctx context.Context, ch change, start time.Time) (settled, error) {
			s, err := settleGroup(ctx, v, start, ch.To, 3)
			calls = append(calls, fmt.Sprintf("settled %d %v", ch.To, s.Stable))
			return s, err
		},
	}
	ws, err := scaleSteps(context.Background(), &kit.Env{Control: c}, kit.Target{Mode: stackmode.Events}, time.Millisecond, w)
	if err != nil {
		t.Fatal(err)
	}
	want := "before scaling out, settled 3 true, after scaling out, before scaling in, settled 1 true, after scaling in"
	if got := strings.Join(calls, ", "); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	out := ws[1]
	if out.Rebalance == nil || !out.Rebalance.Stable || out.Took() < out.Rebalance.Took || out.Scaled > out.Rebalance.Took {
		t.Errorf("scale-out window %+v: want it to end after the group settled, the Scale call inside it", out)
	}
}

// view is a broker that answers groups in turn (the last one again).
func view(partitions int, groups ...kafkalog.Group) groupView {
	i := 0
	return groupView{
		Partitions: func(context.Context) (int, error) { return partitions, nil },
		Describe: func(context.Context) (kafkalog.Group, error) {
			g := groups[min(i, len(groups)-1)]
			i++
			return g, nil
		},
	}
}

func members(assign ...[]int) kafkalog.Group {
	g := kafkalog.Group{State: "Stable"}
	for i, ps := range assign {
		g.Members = append(g.Members, kafkalog.Member{ID: fmt.Sprintf("m%d", i), Partitions: map[string][]int{"orders.v1": ps}})
	}
	return g
}

func TestPartitionCapWaitsForTheGroup(t *testing.T) {
	c := &fakeControl{}
	joining := members([]int{0, 1, 2})
	settled := members([]int{0}, []int{1}, []int{2}, nil)
	got, err := partitionCap(context.Background(), &kit.Env{Control: c}, kit.Target{Mode: stackmode.Events}, view(3, joining, settled))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Stable || len(got.Group.Members) != 4 || len(got.Group.Idle()) != 1 || got.Partitions != 3 {
		t.Errorf("cap = %+v, want 4 members, one idle, on 3 partitions", got)
	}
	if calls := strings.Join(c.calls, " "); calls != "inventory-svc=4 inventory-svc=1" {
		t.Errorf("calls %s, want to 4 and back to 1", calls)
	}
}
