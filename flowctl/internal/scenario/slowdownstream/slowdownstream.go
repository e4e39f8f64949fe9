// Package slowdownstream is the slow-downstream scenario: inventory-svc
// answers late; sync placement pays for it, events grow a backlog instead.
package slowdownstream

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is slow-downstream.
var Def = kit.Define(kit.Spec[slowRun]{
	About: kit.About{
		Name:    "slow-downstream",
		Summary: "a baseline batch, then inventory-svc answers 300 ms late: placement and time to consistency added per mode (measured against the baseline), consumer backlog in events mode",
		Claim:   "a slow dependency slows every sync call; in events mode it grows a backlog instead",
		Metrics: append(kit.LoadMetrics(), InjectedLatency, kit.BaselineP50, kit.AddedLatency, BaselineTTCP50, AddedTTC, kit.Backlog),
		Headline: []kit.MetricKey{kit.SuccessPct.Key, kit.PlacementP50.Key, kit.TTCP99.Key, kit.Backlog.Key,
			kit.PlacementP99.Key, kit.TTCP50.Key},
		Answers: []kit.Answer{{Question: kit.Coupling, Place: 2, Keys: []kit.MetricKey{kit.PlacementP99.Key, kit.SuccessPct.Key}, Says: saysCoupling}},
	},
	Run:   run,
	Judge: judgeSlowDownstream,
})

// Metrics of slow-downstream's own.
var (
	InjectedLatency = kit.MetricDef{Key: "injected_latency_ms", Label: "injected into inventory-svc (the flag)", Short: "injected", Unit: kit.UnitMS}
	BaselineTTCP50  = kit.MetricDef{Key: "baseline_ttc_p50_ms", Label: "time to consistency p50 without it", Short: "baseline final p50", Unit: kit.UnitMS}
	AddedTTC        = kit.MetricDef{Key: "added_ttc_ms", Label: "time to consistency p50 added: this run − baseline", Short: "added final p50", Unit: kit.UnitMS}
)

// run places a baseline batch with nothing wrong, then adds latency to
// inventory-svc (its API and each event it consumes) and places the same
// batch again: the added latency is measured as the difference, not taken
// from the flag.
func run(ctx context.Context, e *kit.Env, t kit.Target) (slowRun, error) {
	n := max(2, e.Size.Orders/2)
	lat := e.Size.Latency
	admin := t.Admin[topology.InventorySvc]
	knobs := knobs(ctx, e, t)
	e.Step("  baseline: placing %d orders at %g/s with nothing slowed", n, e.Size.Rate)
	base, err := e.Batch(ctx, t, "slow-downstream baseline", n, e.Size.Rate, nil)
	if err != nil {
		return slowRun{}, err
	}
	if _, err := e.Follow(ctx, t, "slow-downstream baseline", &base); err != nil {
		return slowRun{}, err
	}
	e.Step("  %s answers %s late; placing %d orders at %g/s", topology.InventorySvc, lat, n, e.Size.Rate)
	if _, err := admin.SetFaults(ctx, api.Faults{Latency: lat.String()}); err != nil {
		return slowRun{}, err
	}
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		_ = admin.ClearFaults(cctx)
	}()
	sampler := e.SampleBacklog(ctx, t, topology.InventorySvc)
	res, err := e.Batch(ctx, t, "slow-downstream", n, e.Size.Rate, nil)
	if err != nil {
		sampler.Stop()
		return slowRun{}, err
	}
	f, err := e.Follow(ctx, t, "slow-downstream", &res)
	backlog, backlogOK := sampler.Stop()
	if err != nil {
		return slowRun{}, err
	}
	slow := slowRun{Base: load.Summarize(base), Slow: load.Summarize(res), N: n, Latency: lat,
		Backlog: backlog, BacklogOK: backlogOK, Consumers: consumersOf(ctx, t), Knobs: knobs, Followed: f}
	return slow, nil
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
	// Knobs are each service's concurrency settings, for the details.
	Knobs    []string
	Followed kit.Followed
}

// judgeSlowDownstream compares the two batches. Sync holds when its
// placement p50 grew by at least half the injected delay; a brokered stack
// (either saga style) when its placement p50 did not, and its time to
// consistency did instead.
func judgeSlowDownstream(mode stackmode.Mode, r slowRun) kit.Outcome {
	o := judgeModes(mode, r)
	o.Details = append(o.Details, r.Knobs...)
	r.Followed.Put(&o)
	return o
}

func judgeModes(mode stackmode.Mode, r slowRun) kit.Outcome {
	o := kit.OutcomeOf(r.Slow, r.N)
	latMS := stats.Millis(r.Latency)
	addedPlacement := r.Slow.Placement.P50 - r.Base.Placement.P50
	addedTTC := r.Slow.TimeToFinal.P50 - r.Base.TimeToFinal.P50
	o.Put(InjectedLatency, latMS)
	o.PutAs(kit.BaselineP50, fmt.Sprintf("placement p50 without it (n=%d)", r.Base.Placement.N), r.Base.Placement.P50)
	o.PutAs(kit.AddedLatency, fmt.Sprintf("placement p50 added: this run (n=%d) − baseline (n=%d)", r.Slow.Placement.N, r.Base.Placement.N), addedPlacement)
	o.PutAs(BaselineTTCP50, fmt.Sprintf("time to consistency p50 without it (n=%d)", r.Base.TimeToFinal.N), r.Base.TimeToFinal.P50)
	o.PutAs(AddedTTC, fmt.Sprintf("time to consistency p50 added: this run (n=%d) − baseline (n=%d)", r.Slow.TimeToFinal.N, r.Base.TimeToFinal.N), addedTTC)
	// "About the delay": at least half of it, so a run on a loaded machine
	// still shows it and a fault that was not applied does not.
	grew := func(v float64) bool { return v >= latMS/2 }
	if mode == stackmode.Sync {
		o.Holds = grew(addedPlacement)
		o.Verdict = fmt.Sprintf("sync: with inventory %s slower, placement p50 grew by %s (%s → %s; %s), bounded by the knobs below",
			stats.Duration(r.Latency), stats.Ms(addedPlacement), stats.Pct50Label(r.Base.Placement), stats.Pct50Label(r.Slow.Placement), stats.Pct99Label(r.Slow.Placement))
		if !o.Holds {
			o.Verdict += fmt.Sprintf("; that is less than half the %s injected", stats.Duration(r.Latency))
		}
		if failed := r.Slow.ByStatus["FAILED"] + r.Slow.ByStatus["NOT PLACED"]; failed > 0 {
			// A bounded chain refuses what it cannot serve in time: say so,
			// or the refusals' fast 503s read as fast orders.
			o.Verdict += fmt.Sprintf("; %d of %d FAILED or not placed (refused by a full service or timed out: see the knobs)", failed, r.N)
		}
		return o
	}
	if r.BacklogOK {
		o.PutAs(kit.Backlog, "largest backlog of inventory-svc's consumers (their lag, sampled every 200 ms)", float64(r.Backlog))
	}
	o.Holds = !grew(addedPlacement) && grew(addedTTC)
	backlog := ""
	if r.BacklogOK {
		backlog = fmt.Sprintf("; inventory-svc's consumers fell up to %s behind (their largest lag, sampled every 200 ms)", kit.Counted(int(r.Backlog), "event"))
		if r.Consumers > 0 && latMS > 0 {
			// What that backlog costs the last event in it: the consume
			// loops work off one event per injected latency each.
			capacity := float64(r.Consumers) / (latMS / 1000)
			backlog += fmt.Sprintf(", about %s of waiting for the last of them: %s, each event %s late, work off %.1f events/s",
				stats.Ms(float64(r.Backlog)/capacity*1000), kit.Counted(r.Consumers, "consume loop"), stats.Duration(r.Latency), capacity)
		}
	}
	o.Verdict = fmt.Sprintf("%s: placement p50 moved by %s (%s → %s), time to consistency p50 grew by %s (%s → %s)%s",
		mode, stats.Ms(addedPlacement), stats.Pct50Label(r.Base.Placement), stats.Pct50Label(r.Slow.Placement),
		stats.Ms(addedTTC), stats.Pct50Label(r.Base.TimeToFinal), stats.Pct50Label(r.Slow.TimeToFinal), backlog)
	if grew(addedPlacement) {
		o.Verdict += "; placement grew like sync's"
	}
	return o
}

// consumersOf is inventory-svc's "consumers" knob, 0 when unknown.
func consumersOf(ctx context.Context, t kit.Target) int {
	k, err := api.GetKnobs(ctx, t.URLs[topology.InventorySvc], nil)
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
func knobs(ctx context.Context, e *kit.Env, t kit.Target) []string {
	var lines []string
	for _, svc := range []string{topology.OrderSvc, topology.InventorySvc, topology.InvoicingSvc} {
		k, err := api.GetKnobs(ctx, t.URLs[svc], nil)
		line := fmt.Sprintf("knobs of %s: %s", svc, k)
		if err != nil {
			line = fmt.Sprintf("knobs of %s: unknown (%v)", svc, err)
		}
		e.Step("  %s", line)
		lines = append(lines, line)
	}
	return lines
}
