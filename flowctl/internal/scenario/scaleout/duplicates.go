package scaleout

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
)

// DuplicatesMetric is the services' count of redeliveries the inbox skipped.
const DuplicatesMetric = "consumer_duplicate_events_total"

// dupTally sums the rise of DuplicatesMetric over every replica of Service
// that ran during the run: each replica is read on its own, first before
// the load, again before each scale-in (a replica that stops takes its
// count with it) and at the end. A replica first seen after the first
// reading started during the run, so all of its count is the run's.
type dupTally struct {
	last  map[string]float64
	rise  float64
	reads int
	// LowerBound says a reading went through the balancer (the runtime
	// reaches the replicas only through it): one replica's count.
	LowerBound bool
	// Err is the first reading that failed; the sum is then unknown.
	Err error
}

// read takes a reading of each replica: by the runtime, or through the
// balancer at Service's address when the runtime cannot reach them one
// by one.
func (d *dupTally) read(ctx context.Context, e *kit.Env, t kit.Target) {
	by, err := e.Control.ReplicaMetrics(ctx, t.Mode, Service)
	if errors.Is(err, stack.ErrNotOurs) {
		d.LowerBound = true
		var m api.Metrics
		m, err = api.GetMetrics(ctx, t.URLs[Service], &http.Client{Timeout: 5 * time.Second})
		by = map[string]map[string]float64{Service + " (through its balancer)": m}
	}
	if err != nil {
		d.Err = errors.Join(d.Err, err)
		return
	}
	counts := map[string]float64{}
	for name, m := range by {
		counts[name] = m[DuplicatesMetric]
	}
	d.add(counts)
}

// add folds one reading in: a replica's rise since its last reading; a
// count lower than that one is a restarted replica, counted from 0.
func (d *dupTally) add(counts map[string]float64) {
	if d.last == nil {
		d.last = map[string]float64{}
	}
	for name, v := range counts {
		prev, seen := d.last[name]
		switch {
		case !seen && d.reads == 0: // ran before the load: its count so far is not the run's
		case !seen || v < prev:
			d.rise += v
		default:
			d.rise += v - prev
		}
		d.last[name] = v
	}
	d.reads++
}

// Sum is the redeliveries skipped over the run, and whether every reading
// was taken.
func (d *dupTally) Sum() (float64, bool) { return d.rise, d.Err == nil && d.reads >= 2 }
