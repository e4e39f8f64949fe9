package scenario

import (
	"context"
	"fmt"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// slowDownstream adds latency to inventory-svc (its API and each event it
// consumes) while orders arrive at a steady rate.
func slowDownstream(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := max(2, e.Size.Orders/2)
	lat := e.Size.Latency
	admin := t.Admin[inventory]
	knobs := e.knobs(ctx, t)
	e.say("  %s answers %s late; placing %d orders at %g/s", inventory, lat, n, e.Size.Rate)
	if _, err := admin.SetFaults(ctx, api.Faults{Latency: lat.String()}); err != nil {
		return Outcome{}, err
	}
	defer func() {
		cctx, cancel := cleanupCtx(ctx)
		defer cancel()
		_ = admin.ClearFaults(cctx)
	}()
	sampler := e.sampleBacklog(ctx, t, inventory, "orders.v1")
	res, err := e.batch(ctx, t, "slow-downstream", n, e.Size.Rate, nil)
	if err != nil {
		sampler.Stop()
		return Outcome{}, err
	}
	_, err = e.follow(ctx, t, "slow-downstream", &res)
	backlog, backlogOK := sampler.Stop()
	if err != nil {
		return Outcome{}, err
	}
	s := load.Summarize(res)
	o := outcomeOf(s, n)
	o.Details = append(o.Details, knobs...)
	o.put(KeyAddedLatencyMS, "added to inventory-svc", float64(lat.Milliseconds()), "ms")
	latMS := float64(lat.Milliseconds())
	if t.Mode == config.ModeSync {
		o.Holds = s.Placement.P50 >= latMS
		o.Verdict = fmt.Sprintf("sync: with inventory %s slower every order it served waited for it: placement p50 %s / p99 %s",
			lat, stats.Ms(s.Placement.P50), stats.Ms(s.Placement.P99))
		if failed := s.ByStatus["FAILED"] + s.ByStatus["NOT PLACED"]; failed > 0 {
			// A bounded chain refuses what it cannot serve in time: say so,
			// or the refusals' fast 503s read as fast orders.
			o.Verdict += fmt.Sprintf("; %d of %d FAILED or not placed (refused by a full service or timed out: see the knobs)", failed, n)
		}
		return o, nil
	}
	if backlogOK {
		o.put(KeyBacklogEvents, "largest consumer backlog", float64(backlog), "events")
	}
	o.Holds = s.Placement.P99 < latMS && s.TimeToFinal.P50 >= latMS
	lag := ""
	if backlogOK {
		lag = fmt.Sprintf("inventory's consumer fell up to %d events behind and ", backlog)
	}
	o.Verdict = fmt.Sprintf("events: placement p99 stayed %s; %sorders became final after p50 %s / p99 %s",
		stats.Ms(s.Placement.P99), lag, stats.Ms(s.TimeToFinal.P50), stats.Ms(s.TimeToFinal.P99))
	return o, nil
}

// knobs prints, and returns for the report, the concurrency settings each
// service runs with (GET /admin/knobs): a latency under load means little
// without the limits it met — sync's in-flight bounds and client pool, events'
// partitions and consumers. A service too old to answer is said so, not fatal.
func (e *Env) knobs(ctx context.Context, t Target) []string {
	var lines []string
	for _, svc := range []string{"order-svc", inventory, invoicing} {
		k, err := api.GetKnobs(ctx, t.URLs[svc], nil)
		line := fmt.Sprintf("knobs of %s: %s", svc, k)
		if err != nil {
			line = fmt.Sprintf("knobs of %s: unknown (%v)", svc, err)
		}
		e.say("  %s", line)
		lines = append(lines, line)
	}
	return lines
}
