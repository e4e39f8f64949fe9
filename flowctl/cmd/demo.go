package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

const demoLong = `demo runs 'up', then places a fixed mix of orders through order-svc: normal
orders over SKU-001…SKU-004 and one order of 5 × SKU-005, of which only 3 are on
hand, so it is always rejected. For each order it shows the answer and how long
it took, then follows the order until its status is final and shows the
timeline, the time to consistency and the trace in Jaeger.

The stack keeps running afterwards; 'flowctl down' stops it.`

type demoFlags struct {
	upFlags
	n      int
	asJSON bool
}

func newDemoCmd(g *globals) *cobra.Command {
	f := &demoFlags{}
	c := &cobra.Command{
		Use:   "demo --mode sync|events [--orders 8]",
		Short: "Bring a stack up, place a mix of orders and show latency, consistency and traces",
		Long:  demoLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runDemo(c, g, f)
		},
	}
	f.register(c)
	c.Flags().IntVar(&f.n, "orders", 8, "how many orders to place (2–500)")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the whole result as JSON (steps go to stderr)")
	return c
}

func runDemo(c *cobra.Command, g *globals, f *demoFlags) error {
	mode, err := stack.ParseMode(f.mode)
	if err != nil {
		return err
	}
	if f.n < 2 || f.n > 500 {
		return fmt.Errorf("--orders %d: use 2 to 500 (one of them is the always-rejected %s order)", f.n, scenario.ScarceSKU)
	}
	// With --json, stdout carries only the JSON; the steps go to stderr.
	progress := g.env.Stdout
	if f.asJSON {
		progress = g.env.Stderr
	}
	ctx := c.Context()
	st, err := bringUp(ctx, g, mode, f.upFlags, progress)
	if err != nil {
		return err
	}
	cfg := scenario.DemoConfig{
		Orders:        api.NewOrders(st.OrderURL(), nil),
		Inventory:     api.NewInventory(st.URLs["inventory-svc"], nil),
		Say:           func(s string) { fmt.Fprintln(progress, s) },
		N:             f.n,
		PollEvery:     20 * time.Millisecond,
		SettleTimeout: 30 * time.Second,
		TraceTimeout:  10 * time.Second,
		Placed:        func(o scenario.OrderResult) { report.Placed(progress, o) },
	}
	if st.Jaeger {
		cfg.Jaeger = api.NewJaeger(g.stacks.Jaeger, nil)
	}
	fmt.Fprintf(progress, "\nplacing %d orders on order-svc %s\n", f.n, st.OrderURL())
	orders, err := scenario.Demo(ctx, cfg)
	if err != nil {
		return explain.Interrupted(ctx, explain.Unreachable(err, "order-svc at "+st.OrderURL(), string(mode)))
	}
	res := scenario.DemoResult{Mode: string(mode), OrderURL: st.OrderURL(), Jaeger: st.Jaeger, Orders: orders}
	sum := report.SummarizeDemo(res)
	if f.asJSON {
		return printJSON(g.env.Stdout, report.DemoJSON{DemoResult: res, Summary: sum})
	}
	report.Demo(g.env.Stdout, res, sum)
	footer(g.env.Stdout, st)
	return nil
}

func footer(w io.Writer, st stack.Stack) {
	fmt.Fprintln(w)
	if st.Jaeger {
		fmt.Fprintf(w, "The %s stack keeps running: browse the traces at %s; `flowctl down` stops everything.\n", st.Mode, stack.JaegerUI)
		return
	}
	fmt.Fprintf(w, "The %s stack keeps running; `flowctl down` stops everything.\n", st.Mode)
}
