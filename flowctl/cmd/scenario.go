package cmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// scenarioFlags size and steer a scenario run (scenario and compare).
type scenarioFlags struct {
	up           upFlags
	size         scenario.Size
	propagations []string
	asJSON       bool
	wait         bool
}

func (f *scenarioFlags) register(c *cobra.Command) {
	d := scenario.DefaultSize
	c.Flags().BoolVar(&f.up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger (find-the-failure needs it)")
	c.Flags().BoolVar(&f.up.build, "build", false, "docker runtime: rebuild the service images")
	c.Flags().IntVar(&f.size.Orders, "orders", d.Orders, "orders per measured batch (slow-downstream places half)")
	c.Flags().Float64Var(&f.size.Rate, "rate", d.Rate, "orders per second")
	c.Flags().DurationVar(&f.size.DownFor, "down-for", d.DownFor, "how long inventory-svc or the broker stays down (independent-evolution: half of it passes before, between and after its restarts, and each restarted service stays out that long)")
	c.Flags().DurationVar(&f.size.Latency, "latency", d.Latency, "latency slow-downstream adds to inventory-svc")
	c.Flags().DurationVar(&f.size.Settle, "settle", d.Settle, "how long to wait for orders to become final")
	c.Flags().StringSliceVar(&f.propagations, "propagation", []string{"child", "link", "off"}, "TRACE_PROPAGATION settings find-the-failure compares")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	c.Flags().BoolVar(&f.wait, "wait", false, waitUsage)
}

// setup is the flags as the scenarios take them, showing progress on w.
func (f *scenarioFlags) setup(g *globals, w io.Writer) scenario.Setup {
	set := scenario.Setup{Size: f.size, Up: f.up.options(w), Stderr: g.env.Stderr,
		Bar: report.NewProgress(w, isTerminal(w)), RenderTrace: report.WaterfallLines(48, isTerminal(g.env.Stdout))}
	for _, p := range f.propagations {
		set.Propagations = append(set.Propagations, config.Propagation(p))
	}
	return set
}

// parseModes accepts one stack, both (sync and events) or all.
func parseModes(s string) ([]stackmode.Mode, error) { return stack.ParseModes(s) }

const scenarioLong = `scenario brings the chosen stacks up and runs one or more scenarios against
each mode in turn. Each prints the claim it tests, a verdict line with the
numbers ("sync: 0 of 50 orders placed while inventory was down; events: …"),
every metric side by side and, where it helps, details (a trace, an audit trail).
'flowctl scenario list' explains each; 'all' runs every one.

Scenario steps break things on purpose: a stopped service or broker is started
again and a fault is cleared when the step ends, even on Ctrl-C.`

type scenarioCmdFlags struct {
	scenarioFlags
	mode string
}

func newScenarioCmd(g *globals) *cobra.Command {
	f := &scenarioCmdFlags{}
	c := &cobra.Command{
		Use:   "scenario NAME… --mode sync|events|both",
		Short: "Run the scenarios that put the article's claims to the test, with a verdict and numbers",
		Long:  scenarioLong,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runScenarioCmd(c, g, f, args)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync, events or both (required)")
	f.register(c)
	list := &cobra.Command{
		Use:   "list",
		Short: "Explain each scenario in one line",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			report.ScenarioList(g.env.Stdout)
			return nil
		},
	}
	c.AddCommand(list)
	return c
}

func runScenarioCmd(c *cobra.Command, g *globals, f *scenarioCmdFlags, args []string) error {
	scs, err := scenario.Lookup(args)
	if err != nil {
		return err
	}
	if f.mode == "" {
		return fmt.Errorf("--mode is required: sync, events or both")
	}
	modes, err := parseModes(f.mode)
	if err != nil {
		return fmt.Errorf("--mode %s: %w", f.mode, err)
	}
	set := f.setup(g, g.progress(f.asJSON))
	if err := set.Check(); err != nil {
		return err
	}
	lease, err := g.hold(c, modes, f.wait)
	if err != nil {
		return err
	}
	defer lease.Release()
	rep, err := scenario.RunOnStacks(c.Context(), g.stacks, scs, modes, set, func(r scenario.Run) {
		if !f.asJSON {
			report.ScenarioRun(g.env.Stdout, r, isTerminal(g.env.Stdout))
		}
	})
	if err != nil {
		return err
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, rep)
	}
	fmt.Fprintln(g.env.Stdout)
	return nil
}
