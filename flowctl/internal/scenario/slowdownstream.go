package scenario

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// slowDownstream places a baseline batch with nothing wrong, then adds
// latency to inventory-svc (its API and each event it consumes) and places
// the same batch again: the added latency is measured as the difference,
// not taken from the flag.
func slowDownstream(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := max(2, e.Size.Orders/2)
	lat := e.Size.Latency
	admin := t.Admin[inventory]
	knobs := e.knobs(ctx, t)
	e.say("  baseline: placing %d orders at %g/s with nothing slowed", n, e.Size.Rate)
	base, err := e.batch(ctx, t, "slow-downstream baseline", n, e.Size.Rate, nil)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := e.follow(ctx, t, "slow-downstream baseline", &base); err != nil {
		return Outcome{}, err
	}
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
	slow := slowRun{Base: load.Summarize(base), Slow: load.Summarize(res), N: n, Latency: lat,
		Backlog: backlog, BacklogOK: backlogOK, Consumers: consumersOf(ctx, t)}
	o := judgeSlowDownstream(t.Mode, slow)
	o.Details = append(o.Details, knobs...)
	e.putFollow(&o)
	return o, nil
}

// slowRun is what slow-downstream measured: the same batch without and
// with the added latency.
type slowRun struct {
	Base, Slow load.Summary
	N          int
	Latency    time.Duration
	Backlog    int64
	BacklogOK  bool
	// Consumers is how many consume loops inventory-svc runs (its
	// "consumers" knob; 0: unknown): each handles one event at a time, so
	// their capacity under the fault is Consumers ÷ Latency.
	Consumers int
}

// judgeSlowDownstream compares the two batches. Sync holds when its
// placement p50 grew by at least half the injected delay; events when its
// placement p50 did not, and its time to consistency did instead.
func judgeSlowDownstream(mode config.Mode, r slowRun) Outcome {
	o := outcomeOf(r.Slow, r.N)
	latMS := float64(r.Latency.Milliseconds())
	addedPlacement := r.Slow.Placement.P50 - r.Base.Placement.P50
	addedTTC := r.Slow.TimeToFinal.P50 - r.Base.TimeToFinal.P50
	o.put(KeyInjectedLatencyMS, "injected into inventory-svc (the flag)", latMS, "ms")
	o.put(KeyBaselineP50MS, fmt.Sprintf("placement p50 without it (n=%d)", r.Base.Placement.N), r.Base.Placement.P50, "ms")
	o.put(KeyAddedLatencyMS, fmt.Sprintf("placement p50 added: this run (n=%d) − baseline (n=%d)", r.Slow.Placement.N, r.Base.Placement.N), addedPlacement, "ms")
	o.put(KeyBaselineTTCP50MS, fmt.Sprintf("time to consistency p50 without it (n=%d)", r.Base.TimeToFinal.N), r.Base.TimeToFinal.P50, "ms")
	o.put(KeyAddedTTCMS, fmt.Sprintf("time to consistency p50 added: this run (n=%d) − baseline (n=%d)", r.Slow.TimeToFinal.N, r.Base.TimeToFinal.N), addedTTC, "ms")
	// "About the delay": at least half of it, so a run on a loaded machine
	// still shows it and a fault that was not applied does not.
	grew := func(v float64) bool { return v >= latMS/2 }
	if mode == config.ModeSync {
		o.Holds = grew(addedPlacement)
		o.Verdict = fmt.Sprintf("sync: with inventory %s slower, placement p50 grew by %s (%s → %s; %s), bounded by the knobs below",
			r.Latency, stats.Ms(addedPlacement), stats.Pct50Label(r.Base.Placement), stats.Pct50Label(r.Slow.Placement), stats.Pct99Label(r.Slow.Placement))
		if !o.Holds {
			o.Verdict += fmt.Sprintf("; that is less than half the %s injected", r.Latency)
		}
		if failed := r.Slow.ByStatus["FAILED"] + r.Slow.ByStatus["NOT PLACED"]; failed > 0 {
			// A bounded chain refuses what it cannot serve in time: say so,
			// or the refusals' fast 503s read as fast orders.
			o.Verdict += fmt.Sprintf("; %d of %d FAILED or not placed (refused by a full service or timed out: see the knobs)", failed, r.N)
		}
		return o
	}
	if r.BacklogOK {
		o.put(KeyBacklogEvents, "largest consumer backlog", float64(r.Backlog), "events")
	}
	o.Holds = !grew(addedPlacement) && grew(addedTTC)
	backlog := ""
	if r.BacklogOK {
		backlog = fmt.Sprintf("; inventory's consumer fell up to %d events behind", r.Backlog)
		if r.Consumers > 0 && latMS > 0 {
			capacity := float64(r.Consumers) / (latMS / 1000)
			backlog += fmt.Sprintf(" (÷ %.1f events/s = %d consume loop(s) ÷ %s: about %s of waiting)",
				capacity, r.Consumers, r.Latency, stats.Ms(float64(r.Backlog)/capacity*1000))
		}
	}
	o.Verdict = fmt.Sprintf("events: placement p50 moved by %s (%s → %s), time to consistency p50 grew by %s (%s → %s)%s",
		stats.Ms(addedPlacement), stats.Pct50Label(r.Base.Placement), stats.Pct50Label(r.Slow.Placement),
		stats.Ms(addedTTC), stats.Pct50Label(r.Base.TimeToFinal), stats.Pct50Label(r.Slow.TimeToFinal), backlog)
	if grew(addedPlacement) {
		o.Verdict += "; placement grew like sync's"
	}
	return o
}

// consumersOf is inventory-svc's "consumers" knob, 0 when unknown.
func consumersOf(ctx context.Context, t Target) int {
	k, err := api.GetKnobs(ctx, t.URLs[inventory], nil)
	if err != nil {
		return 0
	}
	switch v := k.Knobs["consumers"].(type) {
	case float64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
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
