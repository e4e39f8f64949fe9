package load

import (
	"testing"
	"time"
)

// TestReadRateForLetsEveryOrderBeRead: a follow must be able to read each
// order within the settle bound, or an events run (whose orders are final
// only when read back) fails for the reader's own limit — 600 orders at the
// default 200 reads a second need the whole of a 3 s settle.
func TestReadRateForLetsEveryOrderBeRead(t *testing.T) {
	for _, c := range []struct {
		orders int
		settle time.Duration
	}{{600, 3 * time.Second}, {15000, time.Minute}, {32000, 5 * time.Second}, {10, time.Second}} {
		r := ReadRateFor(c.orders, c.settle)
		if reads := r * c.settle.Seconds(); reads < 2*float64(c.orders) {
			t.Errorf("ReadRateFor(%d, %s) = %g/s: %g reads in the settle bound, fewer than two per order", c.orders, c.settle, r, reads)
		}
		if r < DefaultMaxGetsPerSec {
			t.Errorf("ReadRateFor(%d, %s) = %g/s, below the default", c.orders, c.settle, r)
		}
	}
	if r := ReadRateFor(5, 0); r != DefaultMaxGetsPerSec {
		t.Errorf("no settle bound: %g/s, want the default", r)
	}
}
