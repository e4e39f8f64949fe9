package scenario

import (
	"context"
	"fmt"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// happyPath places orders at a steady rate with nothing broken.
func happyPath(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n, rate := e.Size.Orders, e.Size.Rate
	e.say("  placing %d orders at %g/s", n, rate)
	res, err := e.batch(ctx, t, "happy-path", n, rate, nil)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := e.follow(ctx, t, "happy-path", &res); err != nil {
		return Outcome{}, err
	}
	s := load.Summarize(res)
	o := outcomeOf(s, n)
	confirmed := s.ByStatus["CONFIRMED"]
	o.Holds = confirmed == n
	if t.Mode == config.ModeSync {
		o.Verdict = fmt.Sprintf("sync: %d of %d confirmed; the client waited p50 %s / p99 %s for an answer that was already final",
			confirmed, n, stats.Ms(s.Placement.P50), stats.Ms(s.Placement.P99))
	} else {
		o.Verdict = fmt.Sprintf("events: %d of %d confirmed; answered in p50 %s / p99 %s (202 PENDING), consistent after p50 %s / p99 %s",
			confirmed, n, stats.Ms(s.Placement.P50), stats.Ms(s.Placement.P99), stats.Ms(s.TimeToFinal.P50), stats.Ms(s.TimeToFinal.P99))
	}
	return o, nil
}

// outcomeOf fills what every load-based outcome reports: the samples, the
// statuses, latency and consistency percentiles, and the share of the n
// attempted orders that ended CONFIRMED.
func outcomeOf(s load.Summary, n int) Outcome {
	o := Outcome{
		Placement:   s.PlacementSamples,
		TimeToFinal: s.TimeToFinalSamples,
		ByStatus:    s.ByStatus,
	}
	o.add("orders", "orders attempted", float64(n), "orders")
	o.add("placement_p50_ms", "placement p50", s.Placement.P50, "ms")
	o.add("placement_p99_ms", "placement p99", s.Placement.P99, "ms")
	o.add("ttc_p50_ms", "time to consistency p50", s.TimeToFinal.P50, "ms")
	o.add("ttc_p99_ms", "time to consistency p99", s.TimeToFinal.P99, "ms")
	o.add("success_pct", "confirmed", stats.Share(s.ByStatus["CONFIRMED"], n), "%")
	if s.NotFinal > 0 {
		o.add("not_final", "not final at the end", float64(s.NotFinal), "orders")
	}
	return o
}
