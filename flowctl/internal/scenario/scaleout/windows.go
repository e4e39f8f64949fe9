package scaleout

import (
	"math"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// The windows of a run, in order: steady with one replica, the scale-out,
// steady with three, the scale-in, steady with one again.
const (
	WindowOne   = "1 replica"
	WindowOut   = "scaling out"
	WindowThree = "3 replicas"
	WindowIn    = "scaling in"
	WindowAfter = "1 replica again"
)

// window is one stretch of the run and how many replicas ran in it (for a
// change: the count it went to).
type window struct {
	Name     string
	From, To time.Time
	Replicas int
	// Scaled is how long a change's Scale call took; Rebalance, on a
	// brokered stack, its consumer group's wait after it (the window ends
	// with that wait).
	Scaled    time.Duration
	Rebalance *settled
}

// Took is the window's length.
func (w window) Took() time.Duration { return w.To.Sub(w.From) }

// phase is what the orders did in one window.
type phase struct {
	window
	// Sent is the orders sent in the window; Failed of them did not end
	// CONFIRMED or REJECTED (a FAILED answer, no answer, not final).
	Sent, Failed int
	// Final is the orders of the whole run that became final inside the
	// window, by the services' clocks: what the stack got through then.
	Final int
	// Placement is the POSTs answered of the orders sent in it (ms); TTC
	// the times to consistency of those that ended CONFIRMED (ms).
	Placement, TTC []float64
}

// Throughput is orders final per second of the window.
func (p phase) Throughput() float64 {
	if s := p.Took().Seconds(); s > 0 {
		return float64(p.Final) / s
	}
	return 0
}

// P95 is the placement p95, or the max below 20 samples (a p95 of fewer is
// a max), with its name.
func (p phase) P95() (float64, string) {
	if len(p.Placement) < 20 {
		return stats.Summarize(p.Placement).Max, "max"
	}
	return stats.Percentile(p.Placement, 95), "p95"
}

// split sorts a run's orders into its windows: by when each was sent, and
// by when each became final.
func split(res load.Result, ws []window) []phase {
	ps := make([]phase, len(ws))
	for i, w := range ws {
		ps[i].window = w
	}
	for _, o := range res.Orders {
		if i := indexAt(ws, o.At); i >= 0 {
			addSent(&ps[i], o)
		}
		if o.Order.Final && decided(o) {
			if i := indexAt(ws, o.Order.UpdatedAt); i >= 0 {
				ps[i].Final++
			}
		}
	}
	return ps
}

func addSent(p *phase, o load.Placed) {
	p.Sent++
	if !o.Order.Final || !decided(o) {
		p.Failed++
	}
	if o.HTTPStatus != 0 {
		p.Placement = append(p.Placement, o.PlacementMS)
	}
	if o.Order.Final && o.Order.Status == "CONFIRMED" && o.Order.TimeToFinalMS != nil {
		p.TTC = append(p.TTC, *o.Order.TimeToFinalMS)
	}
}

// decided says the order ended CONFIRMED or REJECTED: an answer either way
// (out of stock is one), where FAILED or no answer is a failure.
func decided(o load.Placed) bool {
	s := o.Status()
	return s == "CONFIRMED" || s == "REJECTED"
}

// indexAt is the window at holds, or -1.
func indexAt(ws []window, at time.Time) int {
	for i, w := range ws {
		if !at.Before(w.From) && at.Before(w.To) {
			return i
		}
	}
	return -1
}

// named is the phase called name, if the run got that far.
func named(ps []phase, name string) (phase, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return phase{}, false
}

// changeTTC are the times to consistency of the orders sent while the
// replicas changed (both changes), and their max (NaN for none).
func changeTTC(ps []phase) ([]float64, float64) {
	var all []float64
	for _, p := range ps {
		if p.Name == WindowOut || p.Name == WindowIn {
			all = append(all, p.TTC...)
		}
	}
	if len(all) == 0 {
		return nil, math.NaN()
	}
	return all, stats.Summarize(all).Max
}
