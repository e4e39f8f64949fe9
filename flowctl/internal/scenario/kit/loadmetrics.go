package kit

import (
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// The metrics every load-based outcome records (OutcomeOf).
var (
	Orders       = MetricDef{Key: "orders", Label: "orders attempted", Short: "orders", Unit: UnitOrders}
	PlacementP50 = MetricDef{Key: "placement_p50_ms", Label: "placement p50", Short: "placed p50", Unit: UnitMS, N: PlacementN.Key}
	// PlacementP99 is the p99, or the max when fewer than 100 samples make a
	// p99 meaningless (the outcome's label says which; PlacementN counts).
	PlacementP99 = MetricDef{Key: "placement_p99_ms", Label: "placement p99 (the max below 100 samples)", Short: "placed", Unit: UnitMS, N: PlacementN.Key, Tail: true}
	PlacementN   = MetricDef{Key: "placement_n", Label: "placement samples", Short: "placement n", Unit: UnitSamples}
	// Time to consistency is over the CONFIRMED orders only (load.Summarize):
	// a FAILED order is final at once and is no consistency to wait for.
	TTCP50     = MetricDef{Key: "ttc_p50_ms", Label: "time to consistency p50 (CONFIRMED orders)", Short: "final p50", Unit: UnitMS, N: TTCN.Key}
	TTCP99     = MetricDef{Key: "ttc_p99_ms", Label: "time to consistency p99 (the max below 100 samples; CONFIRMED orders)", Short: "final", Unit: UnitMS, N: TTCN.Key, Tail: true}
	TTCN       = MetricDef{Key: "ttc_n", Label: "time to consistency samples (CONFIRMED orders)", Short: "consistency n", Unit: UnitSamples}
	SuccessPct = MetricDef{Key: "success_pct", Label: "confirmed", Short: "confirmed", Unit: UnitPct, N: Orders.Key}
	NotFinal   = MetricDef{Key: "not_final", Label: "not final at the end", Short: "not final", Unit: UnitOrders}
)

// LoadMetrics are what OutcomeOf records and a Followed adds.
func LoadMetrics() []MetricDef {
	return []MetricDef{Orders, PlacementP50, PlacementP99, PlacementN, TTCP50, TTCP99, TTCN, SuccessPct, NotFinal, FollowInterval}
}

// LoadHeadline is the summary of a load-based scenario: confirmed,
// placement at its median (what a client usually waits), consistency at its
// p99 (the faults show in the tail). A scenario with numbers of its own
// puts them where they belong in this order.
func LoadHeadline() []MetricKey {
	return []MetricKey{SuccessPct.Key, PlacementP50.Key, TTCP99.Key, PlacementP99.Key, TTCP50.Key}
}

// OutcomeOf fills what every load-based outcome reports: the samples, the
// statuses, latency and consistency percentiles, and the share of the n
// attempted orders that ended CONFIRMED.
func OutcomeOf(s load.Summary, n int) Outcome {
	o := Outcome{
		Placement:   s.PlacementSamples,
		TimeToFinal: s.TimeToFinalSamples,
		ByStatus:    s.ByStatus,
	}
	o.Put(Orders, float64(n))
	// A percentile of no samples is no number: with none (every order
	// FAILED) only the n=0 is recorded, and the report shows "–".
	if s.Placement.N > 0 {
		o.Put(PlacementP50, s.Placement.P50)
		o.PutAs(PlacementP99, "placement "+stats.TailName(s.Placement), stats.Tail(s.Placement))
	}
	o.Put(PlacementN, float64(s.Placement.N))
	if s.TimeToFinal.N > 0 {
		o.Put(TTCP50, s.TimeToFinal.P50)
		o.PutAs(TTCP99, "time to consistency "+stats.TailName(s.TimeToFinal)+" (CONFIRMED orders)", stats.Tail(s.TimeToFinal))
	}
	o.Put(TTCN, float64(s.TimeToFinal.N))
	o.Put(SuccessPct, stats.Share(s.ByStatus["CONFIRMED"], n))
	if s.NotFinal > 0 {
		o.Put(NotFinal, float64(s.NotFinal))
	}
	return o
}

// LastFinal is when the last order of a batch became final, by the
// services' clocks.
func LastFinal(r load.Result) time.Time {
	var last time.Time
	for _, p := range r.Orders {
		if p.Order.Final && p.Order.UpdatedAt.After(last) {
			last = p.Order.UpdatedAt
		}
	}
	return last
}
