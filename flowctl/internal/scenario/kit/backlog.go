package kit

import (
	"context"
	"sync"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// Log is t's stack's part of the broker: its topics, groups and dead-letter
// topics under its own prefix, by its saga style (the orchestrated stack's
// carry "orch." and its services consume command topics, not orders.v1).
func (e *Env) Log(t Target) kafkalog.Log { return kafkalog.LogOf(t.Mode, e.TopicPrefix) }

// Topic is a topic's name as t's stack names it (its prefix in front).
func (e *Env) Topic(t Target, name string) string { return e.Log(t).Prefix + name }

// Consumes are the topics svc consumes in t's stack (the topology of its
// saga style), with the stack's prefix.
func (e *Env) Consumes(t Target, svc string) []string {
	l := e.Log(t)
	for _, s := range l.Services() {
		if s.Name == svc {
			return topology.Prefixed(l.Prefix, s.Consumes)
		}
	}
	return nil
}

// Backlog is how many events svc's consumer group has not processed yet,
// over every topic it consumes in t's stack; false when there is no log to
// ask (sync mode, no broker, a service that consumes nothing).
func (e *Env) Backlog(ctx context.Context, t Target, svc string) (int64, bool) {
	topics := e.Consumes(t, svc)
	if !t.Mode.Kafka() || len(e.Brokers) == 0 || len(topics) == 0 {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := kafkalog.GroupLag(ctx, e.Brokers, e.Log(t).Group(svc), topics)
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

// SampleBacklog polls svc's backlog every 200 ms until stopped.
func (e *Env) SampleBacklog(ctx context.Context, t Target, svc string) *BacklogSampler {
	b := &BacklogSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if n, ok := e.Backlog(ctx, t, svc); ok {
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
