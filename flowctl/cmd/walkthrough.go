package cmd

import (
	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/guide"
	"github.com/orderflow/flowctl/internal/stack"
)

const walkthroughLong = `walkthrough brings the stack up and runs three steps with a few words on what
to look at: (1) the happy path — placement latency and time to consistency;
(2) inventory-svc stopped while orders arrive, then started again; (3) one
order's trace as a waterfall, and where to see it again (Jaeger's UI on
Docker; flowctl trace and the dashboard natively). It ends with the commands
to try next. 'make demo-sync' and 'make demo-events' run it.`

type walkthroughFlags struct {
	scenarioFlags
	mode string
}

func newWalkthroughCmd(g *globals) *cobra.Command {
	f := &walkthroughFlags{}
	c := &cobra.Command{
		Use:   "walkthrough --mode sync|events",
		Short: "A guided tour of one mode: the happy path, inventory down, the trace of one order",
		Long:  walkthroughLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runWalkthrough(c, g, f)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync or events (required)")
	f.register(c)
	_ = c.Flags().Set("orders", "20")
	_ = c.Flags().Set("down-for", "3s")
	return c
}

func runWalkthrough(c *cobra.Command, g *globals, f *walkthroughFlags) error {
	m, err := stack.ParseMode(f.mode)
	if err != nil {
		return err
	}
	return guide.Walkthrough(c.Context(), g.stacks, m, f.setup(g, g.env.Stdout))
}
