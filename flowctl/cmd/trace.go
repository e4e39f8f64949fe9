package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/report"
)

const traceLong = `trace fetches the order from the stack's order-svc, then collects its spans from
Jaeger: the trace order-svc stored for it, and — because Kafka consumers start
new traces under TRACE_PROPAGATION=link or off — every trace of the stack's
services around the order's time whose spans carry orderflow.order_id=ORDER_ID.
It prints one line per span on a time axis, the time each event waited in
Kafka, the span where the order's path ended in failure (none for a CONFIRMED
order), steps that failed and were retried (one line each: "retried ×N,
succeeded at …"), and how many traces and lookups the order took. ORDER_ID may
be the short id the demo prints.`

type traceFlags struct {
	orderFlags
	width int
}

func newTraceCmd(g *globals) *cobra.Command {
	f := &traceFlags{}
	c := &cobra.Command{
		Use:   "trace --mode sync|events|events-orchestration ORDER_ID [--json] [--width 60]",
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
	inv, o, err := investigate.OrderTrace(c.Context(), orders, base, api.NewJaeger(g.stacks.Jaeger, nil), args[0], m)
	if err != nil {
		return err
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
