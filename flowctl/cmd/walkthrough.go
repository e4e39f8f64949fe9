package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/guide"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const walkthroughLong = `walkthrough brings the stack up and runs three steps with a few words on what
to look at: (1) the happy path — placement latency and time to consistency;
(2) inventory-svc stopped while orders arrive, then started again; (3) one
order's trace as a waterfall, and where to see it again (Jaeger's UI on
Docker; flowctl trace and the dashboard natively). It ends with the commands
to try next. 'make demo-sync', 'make demo-events' and 'make demo-orchestration'
run it.`

type walkthroughFlags struct {
	scenarioFlags
	mode string
}

func newWalkthroughCmd(g *globals) *cobra.Command {
	f := &walkthroughFlags{}
	c := &cobra.Command{
		Use:   "walkthrough --mode sync|events|events-orchestration",
		Short: "A guided tour of one mode: the happy path, inventory down, the trace of one order",
		Long:  walkthroughLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runWalkthrough(c, g, f)
		},
	}
	f.register(c)
	return c
}

// walkthroughSize is what the tour runs: fewer orders and a shorter outage
// than the scenarios' default, so the room waits less.
func walkthroughSize() scenario.Size {
	z := scenario.DefaultSize
	z.Orders, z.DownFor = 20, 3*time.Second
	return z
}

// register adds the flags the walkthrough uses, with the defaults it uses:
// its two scenarios take no --latency or --propagation, and it prints no
// JSON.
func (f *walkthroughFlags) register(c *cobra.Command) {
	f.size = walkthroughSize()
	fl := c.Flags()
	fl.StringVar(&f.mode, "mode", "", "sync, events (events-choreography) or events-orchestration (required)")
	fl.BoolVar(&f.up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger (step 3, the trace, is skipped)")
	fl.BoolVar(&f.up.build, "build", false, "docker runtime: rebuild the service images")
	fl.IntVar(&f.size.Orders, "orders", f.size.Orders, "orders per step (steps 1 and 2)")
	fl.Float64Var(&f.size.Rate, "rate", f.size.Rate, "orders per second")
	fl.DurationVar(&f.size.DownFor, "down-for", f.size.DownFor, "how long inventory-svc stays down in step 2")
	fl.DurationVar(&f.size.Settle, "settle", f.size.Settle, "how long to wait for orders to become final")
	fl.BoolVar(&f.wait, "wait", false, waitUsage)
}

func runWalkthrough(c *cobra.Command, g *globals, f *walkthroughFlags) error {
	m, err := stack.ParseMode(f.mode)
	if err != nil {
		return err
	}
	set := f.setup(g, g.env.Stdout)
	if err := set.Check(); err != nil { // flags first: a busy stack is not the first thing to fix
		return err
	}
	lease, err := g.hold(c, []stackmode.Mode{m}, f.wait)
	if err != nil {
		return err
	}
	defer lease.Release()
	return guide.Walkthrough(c.Context(), g.stacks, m, set)
}
