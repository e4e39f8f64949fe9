package cmd

import (
	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/guide"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const demoLong = `demo runs 'up', then places a fixed mix of orders through order-svc: normal
orders over SKU-001…SKU-004 and one order of 5 × SKU-005, of which only 3 are on
hand, so it is always rejected. For each order it shows the answer and how long
it took, then follows the order until its status is final and shows the
timeline, the time to consistency and the trace in Jaeger.

The stack keeps running afterwards; 'flowctl down' stops it.`

type demoFlags struct {
	upFlags
	n            int
	asJSON, wait bool
}

func newDemoCmd(g *globals) *cobra.Command {
	f := &demoFlags{}
	c := &cobra.Command{
		Use:   "demo --mode sync|events|events-orchestration [--orders 8]",
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
	c.Flags().BoolVar(&f.wait, "wait", false, waitUsage)
	return c
}

func runDemo(c *cobra.Command, g *globals, f *demoFlags) error {
	mode, err := stackmode.ParseWithSaga(f.mode, f.saga)
	if err != nil {
		return err
	}
	// With --json, stdout carries only the JSON; the steps go to stderr.
	progress := g.progress(f.asJSON)
	set := guide.DemoSetup{Mode: mode, Orders: f.n, Up: f.upFlags.options(progress), Stderr: g.env.Stderr}
	if err := set.Check(); err != nil {
		return err
	}
	lease, err := g.hold(c, []stackmode.Mode{mode}, f.wait)
	if err != nil {
		return err
	}
	defer lease.Release()
	res, err := guide.Demo(c.Context(), g.stacks, set)
	if err != nil {
		return err
	}
	sum := report.SummarizeDemo(res)
	if f.asJSON {
		return printJSON(g.env.Stdout, report.DemoJSON{DemoResult: res, Summary: sum})
	}
	report.Demo(g.env.Stdout, res, sum)
	report.DemoFooter(g.env.Stdout, res, g.stacks.Command())
	return nil
}
