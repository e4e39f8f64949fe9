package bench

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/stats"
)

// collector gathers one baseline step's measurements while its units are in
// flight, from several goroutines: the end-to-end latency of each unit by its
// sequence number (so the trend reads them in send order), each hop's
// latency, and failures.
type collector struct {
	mu       sync.Mutex
	e2e      []float64 // NaN until the unit finished
	response []float64
	hops     []float64
	done     int
	failed   int
	all      chan struct{} // closed when every unit finished
}

func newCollector(n int) *collector {
	c := &collector{e2e: make([]float64, n), all: make(chan struct{})}
	for i := range c.e2e {
		c.e2e[i] = math.NaN()
	}
	return c
}

// finish records unit seq's end-to-end latency; a duplicate (a redelivery)
// or an unknown seq changes nothing.
func (c *collector) finish(seq int, e2e time.Duration, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq < 0 || seq >= len(c.e2e) || !math.IsNaN(c.e2e[seq]) {
		return
	}
	c.e2e[seq] = ms(e2e)
	c.done++
	if failed {
		c.failed++
	}
	if c.done == len(c.e2e) {
		close(c.all)
	}
}

func (c *collector) hop(d time.Duration) {
	c.mu.Lock()
	c.hops = append(c.hops, ms(d))
	c.mu.Unlock()
}

func (c *collector) answered(d time.Duration) {
	c.mu.Lock()
	c.response = append(c.response, ms(d))
	c.mu.Unlock()
}

// step sums the collector up as a Step (for Judge to judge).
func (c *collector) step(late int, sentRate float64) Step {
	c.mu.Lock()
	defer c.mu.Unlock()
	samples := slices.DeleteFunc(slices.Clone(c.e2e), math.IsNaN)
	return Step{
		Sent: len(c.e2e), Done: c.done, Failed: c.failed, SentLate: late, SentRate: sentRate,
		Latency: stats.Summarize(samples), Response: stats.Summarize(c.response), Hop: stats.Summarize(c.hops),
		Trend: TrendOf(samples), Samples: samples,
	}
}

// wait blocks until every unit finished, the deadline passed or ctx ended.
func (c *collector) wait(ctx context.Context, deadline time.Time) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-c.all:
	case <-t.C:
	case <-ctx.Done():
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
