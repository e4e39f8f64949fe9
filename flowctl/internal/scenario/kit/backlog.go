package kit

import (
	"context"
	"sync"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Group is svc's consumer group in the events stack.
func (e *Env) Group(svc string) string {
	return topology.Group(e.TopicPrefix, svc, string(stackmode.Events))
}

// Topic is a topic's name with the stack's prefix.
func (e *Env) Topic(name string) string { return e.TopicPrefix + name }

// Backlog is how many events of topic svc's consumer group has not
// processed yet; false when there is no log to ask (sync mode, no broker).
func (e *Env) Backlog(ctx context.Context, t Target, svc, topic string) (int64, bool) {
	if !t.Mode.Kafka() || len(e.Brokers) == 0 {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := kafkalog.GroupLag(ctx, e.Brokers, e.Group(svc), []string{e.Topic(topic)})
	if err != nil {
		e.Step("  (backlog of %s unknown: %v)", svc, err)
		return 0, false
	}
	return n, true
}

// BacklogSampler records the largest backlog seen while it runs.
type BacklogSampler struct {
	mu   sync.Mutex
	max  int64
	ok   bool
	stop chan struct{}
	done chan struct{}
}

// SampleBacklog polls svc's backlog on topic every 200 ms until stopped.
func (e *Env) SampleBacklog(ctx context.Context, t Target, svc, topic string) *BacklogSampler {
	b := &BacklogSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if n, ok := e.Backlog(ctx, t, svc, topic); ok {
				b.mu.Lock()
				b.max, b.ok = max(b.max, n), true
				b.mu.Unlock()
			}
			select {
			case <-b.stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return b
}

// Stop ends the sampling and returns the largest backlog seen.
func (b *BacklogSampler) Stop() (int64, bool) {
	close(b.stop)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.max, b.ok
}
