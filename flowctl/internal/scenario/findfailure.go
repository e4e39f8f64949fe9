package scenario

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

const invoicing = "invoicing-svc"

// allPropagations is what find-the-failure compares by default.
var allPropagations = []config.Propagation{config.PropagationChild, config.PropagationLink, config.PropagationOff}

// findTheFailure makes invoicing-svc fail, places one order and measures what
// it takes to find out why from the traces alone — once per
// TRACE_PROPAGATION setting, restarting the stack's services in between.
func findTheFailure(ctx context.Context, e *Env, t Target) (Outcome, error) {
	var o Outcome
	if e.Jaeger == nil {
		return o, errors.New("find-the-failure reads the traces: bring the stack up with Jaeger (without --no-jaeger)")
	}
	props := e.Propagations
	if len(props) == 0 {
		props = allPropagations
	}
	orig := e.Control.Propagation(t.Mode)
	defer func() {
		if e.Control.Propagation(t.Mode) != orig {
			cctx, cancel := cleanupCtx(ctx)
			defer cancel()
			e.say("  restarting the %s services with TRACE_PROPAGATION=%s again", t.Mode, orig)
			if err := e.Control.SetPropagation(cctx, t.Mode, orig); err != nil {
				e.say("  could not restore TRACE_PROPAGATION=%s: %v", orig, err)
			}
		}
	}()
	var parts []string
	var tried []tracedCost
	var recoveredMS []float64
	for _, p := range props {
		if e.Control.Propagation(t.Mode) != p {
			e.say("  restarting the %s services with TRACE_PROPAGATION=%s", t.Mode, p)
			if err := e.Control.SetPropagation(ctx, t.Mode, p); err != nil {
				return o, err
			}
		}
		f, err := e.failOne(ctx, t)
		if err != nil {
			return o, fmt.Errorf("TRACE_PROPAGATION=%s: %w", p, err)
		}
		inv := f.inv
		tried = append(tried, tracedCost{prop: p, lookups: inv.Lookups, found: inv.Explained && inv.Failure != nil, why: inv.FailureText})
		o.put(PerPropagation(KeyTracesPrefix, string(p)), fmt.Sprintf("traces holding the order (%s)", p), float64(inv.Traces), "traces")
		o.put(PerPropagation(KeySpansPrefix, string(p)), fmt.Sprintf("spans to read (%s)", p), float64(inv.Spans), "spans")
		o.put(PerPropagation(KeyLookupsPrefix, string(p)), fmt.Sprintf("Jaeger lookups made: searches + traces opened (%s)", p), float64(inv.Lookups), "")
		o.put(PerPropagation(KeySearchesPrefix, string(p)), fmt.Sprintf("Jaeger searches issued (%s)", p), float64(inv.Cost.Searches), "")
		o.put(PerPropagation(KeyTracesOpenedPrefix, string(p)), fmt.Sprintf("traces opened (%s)", p), float64(inv.Cost.TracesOpened), "traces")
		o.put(PerPropagation(KeySpansReadPrefix, string(p)), fmt.Sprintf("spans read (%s)", p), float64(inv.Cost.SpansRead), "spans")
		how := fmt.Sprintf("%s: %d %s/%d spans/%d %s (%d searched, %d opened)", p, inv.Traces, plural(inv.Traces, "trace"), inv.Spans,
			inv.Lookups, plural(inv.Lookups, "lookup"), inv.Cost.Searches, inv.Cost.TracesOpened)
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
			recoveredMS = append(recoveredMS, float64(f.recovered.Milliseconds()))
			o.Details = append(o.Details, fmt.Sprintf("  after the fault was cleared the retried event went through: CONFIRMED %s later", seconds(f.recovered)))
		}
		if len(tried) == 1 && e.RenderTrace != nil {
			o.Details = append(o.Details, e.RenderTrace(inv)...)
		}
	}
	holds, judged := judgeCosts(tried)
	if t.Mode == config.ModeEvents {
		if len(recoveredMS) > 0 {
			o.put(KeyRecoveredMS, "stuck order final after the fault cleared", stats.Percentile(recoveredMS, 50), "ms")
		}
		o.Holds = holds && len(recoveredMS) == len(props)
		o.Verdict = fmt.Sprintf("events: the order did not fail, it got stuck (PENDING while invoicing's consumer retried); %s; %s", judged, strings.Join(parts, " · "))
		return o, nil
	}
	o.Holds = holds
	o.Verdict = fmt.Sprintf("sync: the order FAILED at once (503); %s; %s", judged, strings.Join(parts, " · "))
	return o, nil
}

// failedOrder is one order that failed on purpose, and what the traces said.
type failedOrder struct {
	order api.Order
	inv   investigate.Investigation
	// recovered is, in events mode, how long after the fault was cleared the
	// stuck order became final.
	recovered time.Duration
}

// failOne makes invoicing-svc fail every request and every event, places
// one order, investigates it in Jaeger and clears the fault.
func (e *Env) failOne(ctx context.Context, t Target) (failedOrder, error) {
	var f failedOrder
	admin := t.Admin[invoicing]
	if _, err := admin.SetFaults(ctx, api.Faults{ErrorRate: 1}); err != nil {
		return f, err
	}
	cleared := false
	clear := func(ctx context.Context) error {
		if cleared {
			return nil
		}
		cleared = true
		return admin.ClearFaults(ctx)
	}
	defer func() {
		cctx, cancel := cleanupCtx(ctx)
		defer cancel()
		_ = clear(cctx)
	}()
	req := api.PlaceRequest{CustomerID: "cust-find-me", Items: []api.Line{{SKU: "SKU-001", Qty: 1}}}
	if err := e.stock(ctx, t, "find-the-failure", stockup.Plan{AtLeast: stockup.Need(1, func(int) api.PlaceRequest { return req })}); err != nil {
		return f, err
	}
	start := time.Now()
	p, err := t.Orders.Place(ctx, req)
	if p.Order.ID == "" {
		return f, fmt.Errorf("place the order: %w", err)
	}
	// The answer of a failed POST is a problem, not the order: read it back.
	if f.order, err = t.Orders.Get(ctx, p.Order.ID); err != nil {
		return f, err
	}
	if t.Mode == config.ModeEvents {
		// Wait until inventory reserved the stock: from then on invoicing's
		// consumer fails and retries, and the order is stuck, not failed.
		// investigate polls Jaeger until a failing span shows up.
		if err := waitTimeline(ctx, t.Orders, p.Order.ID, "reserved", 20*time.Second); err != nil {
			return f, err
		}
		if f.order, err = t.Orders.Get(ctx, p.Order.ID); err != nil {
			return f, err
		}
	}
	f.inv, err = e.investigate(ctx, t, f.order, start)
	if err != nil {
		return f, err
	}
	if err := clear(ctx); err != nil {
		return f, err
	}
	if t.Mode == config.ModeEvents {
		clearedAt := time.Now()
		if err := waitTimeline(ctx, t.Orders, p.Order.ID, "confirmed", 30*time.Second); err != nil {
			return f, fmt.Errorf("after the fault was cleared: %w", err)
		}
		final, err := t.Orders.Get(ctx, p.Order.ID)
		if err != nil {
			return f, err
		}
		f.recovered = final.UpdatedAt.Sub(clearedAt)
		f.order = final
	}
	return f, nil
}

// investigate asks Jaeger until the traces explain the order (spans arrive
// in batches every second or so) or 15 s pass; then it returns what it has.
func (e *Env) investigate(ctx context.Context, t Target, o api.Order, start time.Time) (investigate.Investigation, error) {
	deadline := time.Now().Add(15 * time.Second)
	var last investigate.Investigation
	var lastErr error
	prevSpans := -1
	for time.Now().Before(deadline) {
		inv, err := investigate.ForOrder(ctx, e.Jaeger, investigate.Input{
			OrderID: o.ID, TraceID: o.TraceID, Mode: string(t.Mode),
			Since: start.Add(-2 * time.Second), Until: time.Now().Add(2 * time.Second),
			Services: investigate.ServiceNames(string(t.Mode)),
			// No Reason: the why must come from the spans, not from what
			// order-svc stored.
			Status: string(o.Status),
		})
		if err == nil {
			last, lastErr = inv, nil
			// Complete enough: the cause is in, two services have shown up,
			// and no span arrived since the last look (the services export
			// in batches, so a trace fills in over a second or two).
			if inv.Failure != nil && len(services(inv)) >= 2 && inv.Spans == prevSpans {
				return inv, nil
			}
			prevSpans = inv.Spans
		} else if !errors.Is(err, api.ErrTraceNotFound) && !api.IsServerError(err) {
			return inv, err
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if lastErr != nil {
		return last, lastErr
	}
	return last, nil
}

// services are the services with spans in an investigation.
func services(inv investigate.Investigation) []string {
	var out []string
	for _, s := range inv.AllSpans {
		if !slices.Contains(out, s.Service) {
			out = append(out, s.Service)
		}
	}
	return out
}

// waitTimeline polls an order until its timeline has step.
func waitTimeline(ctx context.Context, o *api.Orders, id, step string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		got, err := o.Get(ctx, id)
		if err == nil && slices.ContainsFunc(got.Timeline, func(s api.Step) bool { return string(s.Step) == step }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("order %s has no %q step after %s (status %s)", id, step, d, got.Status)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// brief keeps a failure's first clause: the verdict line names the cause,
// the details carry all of it.
func brief(s string) string {
	if i := strings.Index(s, "; "); i > 0 {
		s = s[:i]
	}
	// Long causes nest "what: why: detail"; the first three parts say it.
	if parts := strings.SplitN(s, ": ", 4); len(parts) == 4 {
		s = strings.Join(parts[:3], ": ")
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}
