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
	e.putFollow(&o)
	confirmed := s.ByStatus["CONFIRMED"]
	o.Holds = confirmed == n
	if t.Mode == config.ModeSync {
		o.Verdict = fmt.Sprintf("sync: %d of %d confirmed; the client waited %s / %s for an answer that was already final",
			confirmed, n, stats.Pct50Label(s.Placement), stats.Pct99Label(s.Placement))
	} else {
		o.Verdict = fmt.Sprintf("events: %d of %d confirmed; answered in %s / %s (202 PENDING), consistent after %s / %s",
			confirmed, n, stats.Pct50Label(s.Placement), stats.Pct99Label(s.Placement), stats.Pct50Label(s.TimeToFinal), stats.Pct99Label(s.TimeToFinal))
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
	o.put(KeyOrders, "orders attempted", float64(n), "orders")
	o.put(KeyPlacementP50MS, "placement p50", s.Placement.P50, "ms")
	o.put(KeyPlacementP99MS, "placement "+stats.TailName(s.Placement), stats.Tail(s.Placement), "ms")
	o.put(KeyPlacementN, "placement samples", float64(s.Placement.N), "")
	o.put(KeyTTCP50MS, "time to consistency p50", s.TimeToFinal.P50, "ms")
	o.put(KeyTTCP99MS, "time to consistency "+stats.TailName(s.TimeToFinal), stats.Tail(s.TimeToFinal), "ms")
	o.put(KeyTTCN, "time to consistency samples", float64(s.TimeToFinal.N), "")
	o.put(KeySuccessPct, "confirmed", stats.Share(s.ByStatus["CONFIRMED"], n), "%")
	if s.NotFinal > 0 {
		o.put(KeyNotFinal, "not final at the end", float64(s.NotFinal), "orders")
	}
	return o
}
