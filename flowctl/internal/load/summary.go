package load

import (
	"github.com/orderflow/flowctl/internal/stats"
)

// Summary is what a run comes to.
type Summary struct {
	Orders int `json:"orders"`
	// Accepted counts 2xx answers: orders the client was told will complete.
	Accepted int `json:"accepted"`
	// Created counts orders order-svc created (they have an id), including
	// those it answered 409 or 503 for.
	Created  int            `json:"created"`
	ByStatus map[string]int `json:"by_status"`
	NotFinal int            `json:"not_final"`
	// Placement is how long each POST took, as the client saw it (answered
	// POSTs only: a refused connection has no latency worth charting).
	Placement stats.Summary `json:"placement_ms"`
	// TimeToFinal is, per order that ended CONFIRMED, how long after
	// placement its status was final, by the services' timestamps. A FAILED,
	// REJECTED or CANCELLED order is final too, often at once (sync's FAILED
	// while inventory is down: ~1 ms), and counting it would make the mode
	// that fails look the more consistent; ByStatus counts those beside it.
	TimeToFinal stats.Summary `json:"time_to_final_ms"`
	// The raw samples, for charts.
	PlacementSamples   []float64 `json:"placement_samples_ms,omitempty"`
	TimeToFinalSamples []float64 `json:"time_to_final_samples_ms,omitempty"`
	// RatePerSec is the rate the orders were actually sent at.
	RatePerSec float64 `json:"rate_per_sec"`
}

// Summarize sums a run up.
func Summarize(r Result) Summary {
	s := Summary{Orders: len(r.Orders), ByStatus: map[string]int{}}
	for _, p := range r.Orders {
		s.ByStatus[p.Status()]++
		if p.Accepted() {
			s.Accepted++
		}
		if p.HasID() {
			s.Created++
			if !p.Order.Final {
				s.NotFinal++
			}
		}
		if p.HTTPStatus != 0 {
			s.PlacementSamples = append(s.PlacementSamples, p.PlacementMS)
		}
		if p.Order.Final && p.Order.Status == "CONFIRMED" && p.Order.TimeToFinalMS != nil {
			s.TimeToFinalSamples = append(s.TimeToFinalSamples, *p.Order.TimeToFinalMS)
		}
	}
	s.Placement = stats.Summarize(s.PlacementSamples)
	s.TimeToFinal = stats.Summarize(s.TimeToFinalSamples)
	if r.Took > 0 && len(r.Orders) > 1 {
		first, last := r.Orders[0].At, r.Orders[len(r.Orders)-1].At
		if d := last.Sub(first).Seconds(); d > 0 {
			s.RatePerSec = float64(len(r.Orders)-1) / d
		}
	}
	return s
}
