// Package findfailure is the find-the-failure scenario: what it takes to
// find why one order failed from the traces alone, per TRACE_PROPAGATION.
package findfailure

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is find-the-failure.
var Def = kit.Define(kit.Spec[traced]{
	About: kit.About{
		Name:     "find-the-failure",
		Summary:  "one order fails in invoicing-svc: how many traces, spans and lookups it takes to find why, per TRACE_PROPAGATION; on events stacks also what the log says of it (its topics, and the suspects its newest message leaves), per saga style",
		Claim:    "debugging is harder with events: one call stack becomes a trail across services and a log, unless tracing is disciplined",
		Metrics:  metrics(),
		Headline: []kit.MetricKey{Traces.Key("child"), Traces.Key("link"), Traces.Key("off")},
		Answers: []kit.Answer{
			{Question: kit.DelayedMessage, Place: 2, Keys: []kit.MetricKey{Recovered.Key}, Says: saysRecovered},
			{Question: kit.OperateBroker, Place: 3, Keys: []kit.MetricKey{Traces.Key("child"), Traces.Key("link"), Traces.Key("off"), Lookups.Key("off")}, Says: saysTraces},
		},
	},
	Run:    run,
	Judge:  judge,
	Across: compareModes,
})

// allPropagations is what find-the-failure compares by default.
var allPropagations = []config.Propagation{config.PropagationChild, config.PropagationLink, config.PropagationOff}

// family is a metric per TRACE_PROPAGATION ("traces_child"), labelled
// "what (child)".
func family(prefix kit.MetricKey, what, short string, unit kit.Unit) kit.Family {
	f := kit.Family{Prefix: prefix, Of: func(p string) kit.MetricDef {
		return kit.MetricDef{Label: fmt.Sprintf("%s (%s)", what, p), Short: fmt.Sprintf("%s (%s)", short, p), Unit: unit}
	}}
	for _, p := range allPropagations {
		f.Members = append(f.Members, string(p))
	}
	return f
}

// The metrics of find-the-failure: one of each per TRACE_PROPAGATION, and
// how long a stuck events order took once the fault was cleared.
var (
	Traces       = family("traces_", "traces holding the order", "traces", kit.UnitTraces)
	Spans        = family("spans_", "spans to read", "spans", kit.UnitSpans)
	Lookups      = family("lookups_", "Jaeger lookups made: searches + traces opened", "lookups", kit.UnitLookups)
	Searches     = family("searches_", "Jaeger searches issued", "searches", kit.UnitSearches)
	TracesOpened = family("traces_opened_", "traces opened", "traces opened", kit.UnitTraces)
	SpansRead    = family("spans_read_", "spans read", "spans read", kit.UnitSpans)
	Recovered    = kit.MetricDef{Key: "recovered_ms", Label: "stuck order final after the fault cleared", Short: "recovered after", Unit: kit.UnitMS}
)

func metrics() []kit.MetricDef {
	out := []kit.MetricDef{Recovered, LogMessages, LogTopics, LogSuspects}
	for _, f := range []kit.Family{Traces, Spans, Lookups, Searches, TracesOpened, SpansRead} {
		out = append(out, f.Defs()...)
	}
	return out
}

// traced is what one mode's run found: one failed order per propagation
// tried, and the first one's trace drawn (when the Env draws traces).
type traced struct {
	Tried []tried
	Trace []string
}

// tried is one TRACE_PROPAGATION's failed order.
type tried struct {
	Prop   config.Propagation
	Failed failedOrder
}

// run makes invoicing-svc fail, places one order and investigates what it
// takes to find out why from the traces alone — once per TRACE_PROPAGATION
// setting, restarting the stack's services in between.
func run(ctx context.Context, e *kit.Env, t kit.Target) (traced, error) {
	var r traced
	if e.Jaeger == nil {
		return r, errors.New("find-the-failure reads the traces: bring the stack up with Jaeger (without --no-jaeger)")
	}
	props := e.Propagations
	if len(props) == 0 {
		props = allPropagations
	}
	orig := e.Control.Propagation(t.Mode)
	defer func() {
		if e.Control.Propagation(t.Mode) != orig {
			cctx, cancel := kit.CleanupCtx(ctx)
			defer cancel()
			e.Step("  restarting the %s services with TRACE_PROPAGATION=%s again", t.Mode, orig)
			if err := e.Control.SetPropagation(cctx, t.Mode, orig); err != nil {
				e.Step("  could not restore TRACE_PROPAGATION=%s: %v", orig, err)
			}
		}
	}()
	for _, p := range props {
		if e.Control.Propagation(t.Mode) != p {
			e.Step("  restarting the %s services with TRACE_PROPAGATION=%s", t.Mode, p)
			if err := e.Control.SetPropagation(ctx, t.Mode, p); err != nil {
				return r, err
			}
		}
		f, err := failOne(ctx, e, t)
		if err != nil {
			return r, fmt.Errorf("TRACE_PROPAGATION=%s: %w", p, err)
		}
		if len(r.Tried) == 0 && e.RenderTrace != nil {
			r.Trace = e.RenderTrace(f.inv)
		}
		r.Tried = append(r.Tried, tried{Prop: p, Failed: f})
	}
	return r, nil
}

// judge records each propagation's cost and holds when the costs show the
// claim (judgeCosts) and, in events mode, every stuck order recovered.
func judge(mode stackmode.Mode, r traced) kit.Outcome {
	var o kit.Outcome
	var parts []string
	var costs []tracedCost
	var recoveredMS []float64
	for i, tr := range r.Tried {
		p, f := string(tr.Prop), tr.Failed
		inv := f.inv
		costs = append(costs, tracedCost{prop: tr.Prop, lookups: inv.Lookups, found: inv.Explained && inv.Failure != nil, why: inv.FailureText})
		o.Put(Traces.Def(p), float64(inv.Traces))
		o.Put(Spans.Def(p), float64(inv.Spans))
		o.Put(Lookups.Def(p), float64(inv.Lookups))
		o.Put(Searches.Def(p), float64(inv.Cost.Searches))
		o.Put(TracesOpened.Def(p), float64(inv.Cost.TracesOpened))
		o.Put(SpansRead.Def(p), float64(inv.Cost.SpansRead))
		how := fmt.Sprintf("%s: %d %s/%d spans/%d %s (%d searched, %d opened)", p, inv.Traces, kit.Plural(inv.Traces, "trace"), inv.Spans,
			inv.Lookups, kit.Plural(inv.Lookups, "lookup"), inv.Cost.Searches, inv.Cost.TracesOpened)
		switch {
		case inv.Linked:
			how += " joined by span links"
		case len(inv.Unlinked) > 0 && len(inv.Unlinked) == inv.Traces-1:
			how += " joined only by the order id"
		case len(inv.Unlinked) > 0:
			how += fmt.Sprintf(" (%d joined by span links, %d only by the order id)", inv.Traces-1-len(inv.Unlinked), len(inv.Unlinked))
		}
		if !inv.Explained || inv.Failure == nil {
			how += ", cause NOT found in the traces"
		}
		parts = append(parts, how)
		o.Details = append(o.Details, fmt.Sprintf("TRACE_PROPAGATION=%s · order %s ended %s · %s", p, f.order.ID, f.order.Status, inv.HowFound))
		if inv.FailureText != "" {
			o.Details = append(o.Details, "  why (from the spans): "+inv.FailureText)
		}
		if f.recovered > 0 {
			recoveredMS = append(recoveredMS, stats.Millis(f.recovered))
			o.Details = append(o.Details, fmt.Sprintf("  after the fault was cleared the retried event went through: CONFIRMED %s later", stats.Duration(f.recovered)))
		}
		if i == 0 {
			o.Details = append(o.Details, r.Trace...)
		}
	}
	holds, judged := judgeCosts(costs)
	if mode.Kafka() {
		if len(recoveredMS) > 0 {
			o.Put(Recovered, stats.Percentile(recoveredMS, 50))
		}
		o.Holds = holds && len(recoveredMS) == len(r.Tried)
		o.Verdict = fmt.Sprintf("%s: the order did not fail, it got stuck (not final while invoicing's consumer retried); %s; %s%s", mode, judged, strings.Join(parts, " · "), logLine(mode, &o, r))
		return o
	}
	o.Holds = holds
	o.Verdict = fmt.Sprintf("sync: the order FAILED at once (503); %s; %s", judged, strings.Join(parts, " · "))
	return o
}
