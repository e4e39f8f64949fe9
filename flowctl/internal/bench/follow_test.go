package bench

import (
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/load"
)

// TestFollowRateLetsEveryOrderBeRead: the follow must be able to read each
// order of a step within the settle bound, or the events mode (whose orders
// are final only when read back) fails a step for the reader's own limit —
// 600 orders at the default 200 reads a second need the whole 3 s settle.
func TestFollowRateLetsEveryOrderBeRead(t *testing.T) {
	for _, c := range []struct {
		orders int
		settle time.Duration
	}{{600, 3 * time.Second}, {32000, 5 * time.Second}, {10, time.Second}} {
		r := followRate(c.orders, c.settle)
		if reads := r * c.settle.Seconds(); reads < 2*float64(c.orders) {
			t.Errorf("followRate(%d, %s) = %g/s: %g reads in the settle bound, fewer than two per order", c.orders, c.settle, r, reads)
		}
		if r < load.DefaultMaxGetsPerSec {
			t.Errorf("followRate(%d, %s) = %g/s, below Follow's default", c.orders, c.settle, r)
		}
	}
	if r := followRate(5, 0); r != load.DefaultMaxGetsPerSec {
		t.Errorf("no settle bound: %g/s, want the default", r)
	}
}
