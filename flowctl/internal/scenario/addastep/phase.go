package addastep

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

// phase is one batch's numbers on one side of the change.
type phase struct {
	Summary load.Summary
	// Messages are the records on the stack's topics keyed by the batch's
	// orders; -1 when there is no log to read (sync, no broker).
	Messages int
	// Created are the batch's orders order-svc created (the divisor).
	Created  int
	Trace    trace
	Followed kit.Followed
}

// trace is one order's trace as Jaeger has it.
type trace struct {
	Spans, Traces int
	Services      []string
	// Err says why there is none (no Jaeger, nothing exported).
	Err string
}

// PerOrder is messages per created order, or -1 without a log.
func (p phase) PerOrder() float64 {
	if p.Messages < 0 || p.Created == 0 {
		return -1
	}
	return float64(p.Messages) / float64(p.Created)
}

// measure places a batch, follows it, counts its records on the broker and
// looks up one order's trace.
func measure(ctx context.Context, e *kit.Env, t kit.Target, label string) (phase, error) {
	n := e.Size.Orders
	e.Step("  %s: placing %d orders at %g/s", label, n, e.Size.Rate)
	res, err := e.Batch(ctx, t, "add-a-step "+label, n, e.Size.Rate, nil)
	if err != nil {
		return phase{}, err
	}
	f, err := e.Follow(ctx, t, "add-a-step "+label, &res)
	if err != nil {
		return phase{}, err
	}
	p := phase{Summary: load.Summarize(res), Followed: f, Messages: -1}
	ids := createdIDs(res)
	p.Created = len(ids)
	if t.Mode.Kafka() && len(e.Brokers) > 0 {
		if p.Messages, err = messagesOf(ctx, e, t.Mode, ids); err != nil {
			return phase{}, fmt.Errorf("%s: %w", label, err)
		}
	}
	p.Trace = traceOf(ctx, e, t, res)
	return p, nil
}

func createdIDs(res load.Result) []string {
	var ids []string
	for _, o := range res.Orders {
		if o.HasID() {
			ids = append(ids, string(o.Order.ID))
		}
	}
	return ids
}

// messagesOf counts the records keyed by ids on every topic of mode's
// stack the broker has (not the dead-letter topics): read off the log, so a
// topic the table forgot still counts.
func messagesOf(ctx context.Context, e *kit.Env, m stackmode.Mode, ids []string) (int, error) {
	inv, err := kafkalog.ListInventory(ctx, e.Brokers)
	if err != nil {
		return 0, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	n := 0
	for _, topic := range stackTopics(inv.Topics, m, e.TopicPrefix) {
		recs, err := kafkalog.ReadAll(ctx, e.Brokers, topic)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", topic, err)
		}
		for _, r := range recs {
			if want[r.OrderID()] {
				n++
			}
		}
	}
	return n, nil
}

// stackTopics are the topics of mode's stack among all: its prefix, not a
// dead-letter topic, not the other events stack's (its prefix extends ours).
func stackTopics(all []string, m stackmode.Mode, base string) []string {
	prefix := m.TopicPrefix(base)
	other := stackmode.Orchestration.TopicPrefix(base)
	return slices.DeleteFunc(slices.Clone(all), func(t string) bool {
		return !strings.HasPrefix(t, prefix) || strings.HasSuffix(t, events.DLQ("")) || strings.HasPrefix(t, "__") ||
			(m != stackmode.Orchestration && strings.HasPrefix(t, other))
	})
}

// traceOf looks up the first CONFIRMED order's trace (its spans exported).
func traceOf(ctx context.Context, e *kit.Env, t kit.Target, res load.Result) trace {
	if e.Jaeger == nil {
		return trace{Err: "no Jaeger to ask"}
	}
	i := slices.IndexFunc(res.Orders, func(p load.Placed) bool { return p.Order.Status == "CONFIRMED" })
	if i < 0 {
		return trace{Err: "no CONFIRMED order to look up"}
	}
	o := res.Orders[i].Order
	mode := string(t.Mode)
	inv, err := investigate.Await(ctx, e.Jaeger, investigate.Input{
		OrderID: string(o.ID), TraceID: string(o.TraceID), Mode: mode,
		Since: o.PlacedAt.Add(-2 * time.Second), Until: o.UpdatedAt.Add(5 * time.Second),
		Services: append(investigate.ServiceNames(mode), topology.FraudSvc+"."+mode), Status: string(o.Status),
	}, o.UpdatedAt)
	if err != nil {
		return trace{Err: err.Error()}
	}
	tr := trace{Spans: inv.Spans, Traces: inv.Traces}
	for _, sp := range inv.AllSpans {
		if s := investigate.ShortService(sp.Service); s != "" && !slices.Contains(tr.Services, s) {
			tr.Services = append(tr.Services, s)
		}
	}
	slices.Sort(tr.Services)
	return tr
}
