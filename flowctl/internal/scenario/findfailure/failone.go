package findfailure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stockup"
)

// failedOrder is one order that failed on purpose, and what the traces said.
type failedOrder struct {
	order api.Order
	inv   investigate.Investigation
	// recovered is, in events mode, how long after the fault was cleared the
	// stuck order became final.
	recovered time.Duration
	// trail is what the log held of the order while it was stuck (events).
	trail *logTrail
}

// failOne makes invoicing-svc fail every request and every event, places
// one order, investigates it in Jaeger and clears the fault.
func failOne(ctx context.Context, e *kit.Env, t kit.Target) (failedOrder, error) {
	var f failedOrder
	admin := t.Admin[topology.InvoicingSvc]
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
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		_ = clear(cctx)
	}()
	req := api.PlaceRequest{CustomerID: "cust-find-me", Items: []api.Line{{SKU: "SKU-001", Qty: 1}}}
	if err := e.Stock(ctx, t, "find-the-failure", stockup.Plan{AtLeast: stockup.Need(1, func(int) api.PlaceRequest { return req })}); err != nil {
		return f, err
	}
	var marked kafkalog.Offsets
	if t.Mode.Kafka() {
		var err error
		if marked, err = kafkalog.EndOffsets(ctx, e.Brokers, e.Log(t).Topics()...); err != nil {
			return f, err
		}
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
	if t.Mode.Kafka() {
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
	f.inv, err = investigateOrder(ctx, e, t, f.order, start)
	if err != nil {
		return f, err
	}
	if t.Mode.Kafka() {
		tr, err := readTrail(ctx, e, t, marked, p.Order.ID)
		if err != nil {
			return f, err
		}
		f.trail = &tr
	}
	if err := clear(ctx); err != nil {
		return f, err
	}
	if t.Mode.Kafka() {
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

// investigateOrder asks Jaeger until the traces explain the order (spans arrive
// in batches every second or so) or 15 s pass; then it returns what it has.
func investigateOrder(ctx context.Context, e *kit.Env, t kit.Target, o api.Order, start time.Time) (investigate.Investigation, error) {
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
