package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// The baselines' steps against the real thing, in process. The settle bound
// is generous: the tests check that every unit is counted once and the
// latencies are recorded, not how fast they were.
func TestBaselineSteps(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	ctx := context.Background()

	pipe, err := StartKafkaPipe(ctx, brokers, 1)
	if err != nil {
		t.Fatal(err)
	}
	echo, err := StartEchoChain()
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()

	tests := []struct {
		name string
		step StepFunc
		hops bool
	}{
		{"kafka 3-hop", pipe.Step, true},
		{"http 3-hop", echo.Step, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.step(ctx, 40, 250*time.Millisecond, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if s.Sent != 10 || s.Done != 10 || s.Failed != 0 || s.Latency.N != 10 || len(s.Samples) != 10 {
				t.Errorf("step = %+v", s)
			}
			if tt.hops && s.Hop.N != 30 {
				t.Errorf("hops measured %d times, want 3 per event", s.Hop.N)
			}
		})
	}

	if err := pipe.Close(ctx); err != nil {
		t.Fatal(err)
	}
	missing, err := kafkalog.MissingTopics(ctx, brokers, pipe.topics...)
	if err != nil || len(missing) != pipeHops {
		t.Errorf("topics left after Close: missing %v of %v (%v)", missing, pipe.topics, err)
	}
	for _, tp := range pipe.topics {
		if !strings.HasPrefix(tp, TopicPrefix) {
			t.Errorf("topic %s lacks the %s prefix", tp, TopicPrefix)
		}
	}
}
