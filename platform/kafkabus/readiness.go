package kafkabus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// readiness says whether a consumer owns its partitions: it joined its
// group, got its assignment (possibly empty: more members than partitions),
// and each assigned partition's reader has sent its first fetch. Until then
// an event already waits for the group join (seconds on Apache Kafka) and
// the reader's first dial, and the first measurement of a fresh stack was
// that wait. Once reached it stays: a later rebalance or a paused consumer
// does not make the service unready (the broker check says when it is gone).
type readiness struct {
	mu       sync.Mutex
	joined   bool
	assigned int
	polling  int
	reached  bool
}

// generation records a new assignment of n partitions.
func (r *readiness) generation(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.joined, r.assigned, r.polling = true, n, 0
	r.reached = r.reached || n == 0
}

// polled records that one assigned partition's reader fetched.
func (r *readiness) polled() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.polling++
	r.reached = r.reached || r.polling >= r.assigned
}

// err is nil once ready, else what is missing.
func (r *readiness) err(group string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.reached:
		return nil
	case !r.joined:
		return fmt.Errorf("consumer group %s: not joined yet", group)
	default:
		return fmt.Errorf("consumer group %s: %d of %d assigned partitions not fetched from yet", group, r.assigned-r.polling, r.assigned)
	}
}

// Ready is nil once the consumer owns its partitions (see readiness).
func (c *Consumer) Ready() error { return c.ready.err(c.cfg.Group) }

// watchFirstFetch tells c's readiness once r has sent its first fetch
// request: kafka-go counts it after dialling the partition's leader and
// seeking, which is the cold start's cost. A fetched message proves it too
// (fetchBatch reads the stats, which resets their counters).
func (c *Consumer) watchFirstFetch(ctx context.Context, r *kafka.Reader, fetched <-chan struct{}) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-fetched:
			c.ready.polled()
			return
		case <-t.C:
			if r.Stats().Fetches > 0 {
				c.ready.polled()
				return
			}
		}
	}
}
