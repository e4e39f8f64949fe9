package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/retry"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
)

// How long `trace` waits for spans. The services export in batches every
// second (OTEL_BSP_SCHEDULE_DELAY=1000), so an order placed a moment ago may
// not be in Jaeger yet, or only in part.
const (
	traceWait     = 10 * time.Second
	tracePoll     = 500 * time.Millisecond
	traceSettling = 2500 * time.Millisecond // after the order's last change: its spans have been exported
)

const traceLong = `trace fetches the order from the stack's order-svc, then collects its spans from
Jaeger: the trace order-svc stored for it, and — because Kafka consumers start
new traces under TRACE_PROPAGATION=link or off — every trace of the stack's
services around the order's time whose spans carry orderflow.order_id=ORDER_ID.
It prints one line per span on a time axis, the time each event waited in
Kafka, the span that explains a failure, and how many traces and lookups the
order took. ORDER_ID may be the short id the demo prints.`

type traceFlags struct {
	orderFlags
	width int
}

func newTraceCmd(g *globals) *cobra.Command {
	f := &traceFlags{}
	c := &cobra.Command{
		Use:   "trace --mode sync|events ORDER_ID [--json] [--width 60]",
		Short: "Show one order's spans from Jaeger as a waterfall, and what it took to find them",
		Long:  traceLong,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runTrace(c, g, f, args)
		},
	}
	f.register(c)
	c.Flags().IntVar(&f.width, "width", 60, "characters of the time axis")
	return c
}

func runTrace(c *cobra.Command, g *globals, f *traceFlags, args []string) error {
	if f.width < 10 || f.width > 400 {
		return fmt.Errorf("--width %d: use 10 to 400 characters", f.width)
	}
	orders, m, base, err := f.client(g)
	if err != nil {
		return err
	}
	ctx := c.Context()
	id, err := resolveID(ctx, orders, args[0])
	if err != nil {
		return explain.Unreachable(err, "order-svc at "+base, string(m))
	}
	o, err := orders.Get(ctx, id)
	if pe, ok := errors.AsType[*api.ProblemError](err); ok && pe.Status == http.StatusNotFound {
		return fmt.Errorf("order %s is not known to the %s stack's order-svc at %s: check the id, or try the other --mode", id, m, base)
	}
	if err != nil {
		return explain.Unreachable(err, "order-svc at "+base, string(m))
	}
	in := investigate.Input{
		OrderID:  o.ID,
		TraceID:  o.TraceID,
		Mode:     string(m),
		Since:    o.PlacedAt.Add(-2 * time.Second),
		Until:    o.UpdatedAt.Add(5 * time.Second),
		Services: investigate.ServiceNames(string(m)),
		Status:   string(o.Status),
		Reason:   o.Reason,
	}
	j := api.NewJaeger(g.stacks.Jaeger, nil)
	inv, err := awaitInvestigation(ctx, j, in, o.UpdatedAt)
	if err != nil {
		return explain.Interrupted(ctx, err)
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, inv)
	}
	report.Waterfall(g.env.Stdout, inv, f.width, isTerminal(g.env.Stdout))
	if !o.Final {
		fmt.Fprintf(g.env.Stdout, "the order is still %s: its remaining spans come later (run trace again)\n", o.Status)
	}
	return nil
}

// awaitInvestigation investigates until the order's spans are in Jaeger: it
// retries while none are, and once more after the last batch of the order's
// spans must have been exported, so a fresh order is not shown half-done.
func awaitInvestigation(ctx context.Context, j *api.Jaeger, in investigate.Input, lastChange time.Time) (investigate.Investigation, error) {
	ctx, cancel := context.WithTimeout(ctx, traceWait)
	defer cancel()
	for {
		inv, err := investigate.ForOrder(ctx, j, in)
		switch {
		case err == nil && time.Since(lastChange) >= traceSettling:
			return inv, nil
		case err == nil:
			if !retry.Sleep(ctx, time.Until(lastChange.Add(traceSettling))) {
				return inv, nil // deadline: what is there is the answer
			}
			lastChange = time.Time{} // settled now: the next answer is final
			continue
		case errors.Is(err, api.ErrTraceNotFound), api.IsServerError(err):
			if !retry.Sleep(ctx, tracePoll) {
				if ctx.Err() == context.DeadlineExceeded && api.IsServerError(err) {
					return inv, fmt.Errorf("Jaeger at %s kept failing for %s (see its log): %w", stack.JaegerUI, traceWait, err)
				}
				if ctx.Err() == context.DeadlineExceeded {
					return inv, fmt.Errorf("Jaeger at %s has no span of order %s%s after %s: is the stack exporting traces (OTEL_EXPORTER_OTLP_ENDPOINT)? Jaeger keeps spans in memory, so a restarted Jaeger has lost older ones",
						stack.JaegerUI, in.OrderID, traceOf(in.TraceID), traceWait)
				}
				return inv, ctx.Err()
			}
		case errors.Is(err, syscall.ECONNREFUSED):
			return inv, fmt.Errorf("Jaeger does not answer at %s; start a stack with `flowctl up`", stack.JaegerUI)
		case errors.Is(err, context.DeadlineExceeded):
			return inv, fmt.Errorf("Jaeger at %s did not answer within %s: is it overloaded? Try again", stack.JaegerUI, traceWait)
		default:
			return inv, err
		}
	}
}

func traceOf(id string) string {
	if id == "" {
		return ""
	}
	return " (trace " + id + ")"
}
