package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

// scenarioFlags size and steer a scenario run (scenario and compare).
type scenarioFlags struct {
	up           upFlags
	size         scenario.Size
	propagations []string
	asJSON       bool
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
}

func (f *scenarioFlags) check() error {
	s := f.size
	switch {
	case s.Orders < 1 || s.Orders > 10000:
		return fmt.Errorf("--orders %d: use 1 to 10000", s.Orders)
	case s.Rate <= 0 || s.Rate > 1000:
		return fmt.Errorf("--rate %g: use more than 0 and at most 1000 orders per second", s.Rate)
	case s.DownFor < 500*time.Millisecond || s.DownFor > 10*time.Minute:
		return fmt.Errorf("--down-for %s: use 500ms to 10m", s.DownFor)
	case s.Latency < 0 || s.Latency > time.Minute:
		return fmt.Errorf("--latency %s: use 0 to 1m", s.Latency)
	case s.Settle < time.Second:
		return fmt.Errorf("--settle %s: use at least 1s", s.Settle)
	}
	for _, p := range f.propagations {
		switch config.Propagation(p) {
		case config.PropagationChild, config.PropagationLink, config.PropagationOff:
		default:
			return fmt.Errorf("--propagation %q: use child, link or off (comma-separated)", p)
		}
	}
	return nil
}

// parseModes accepts sync, events or both.
func parseModes(s string) ([]config.Mode, error) { return stack.ParseModes(s) }

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
	if err := f.check(); err != nil {
		return err
	}
	progress := g.env.Stdout
	if f.asJSON {
		progress = g.env.Stderr
	}
	rep, err := runScenarios(c.Context(), g, &f.scenarioFlags, scs, modes, progress, func(r scenario.Run) {
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

// runScenarios brings modes' stacks up and runs every scenario against them,
// calling done after each.
func runScenarios(ctx context.Context, g *globals, f *scenarioFlags, scs []scenario.Scenario, modes []config.Mode, progress io.Writer, done func(scenario.Run)) (scenario.Report, error) {
	rep := scenario.Report{Started: time.Now().UTC()}
	env, bar, err := scenarioEnv(ctx, g, f, modes, progress)
	if err != nil {
		return rep, err
	}
	rep.Runtime = env.Control.Runtime()
	for _, s := range scs {
		r, err := s.Run(ctx, env, modes)
		bar.Done()
		if err != nil {
			return rep, explain.Interrupted(ctx, err)
		}
		rep.Runs = append(rep.Runs, r)
		done(r)
	}
	return rep, nil
}

// scenarioEnv brings each mode's stack up and wires what the scenarios use.
func scenarioEnv(ctx context.Context, g *globals, f *scenarioFlags, modes []config.Mode, progress io.Writer) (*scenario.Env, *report.Progress, error) {
	tok, err := g.stacks.Token()
	if err != nil {
		return nil, nil, err
	}
	env := &scenario.Env{
		Targets:     map[config.Mode]scenario.Target{},
		TopicPrefix: g.stacks.TopicPrefix,
		Size:        f.size,
		Say:         func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) },
	}
	for _, p := range f.propagations {
		env.Propagations = append(env.Propagations, config.Propagation(p))
	}
	bar := report.NewProgress(progress, isTerminal(progress))
	env.Progress = bar.Update
	for _, m := range modes {
		st, err := bringUp(ctx, g, m, f.up, progress)
		if err != nil {
			return nil, nil, err
		}
		env.Targets[m] = scenario.NewTarget(m, st.URLs, tok)
		if len(st.Brokers) > 0 {
			env.Brokers = st.Brokers
		}
		if st.Jaeger {
			env.Jaeger = api.NewJaeger(g.stacks.Jaeger, nil)
		}
	}
	// The runtime the stacks just came up in (chosen once per run).
	if env.Control, err = g.stacks.Runtime(ctx); err != nil {
		return nil, nil, err
	}
	tty := isTerminal(g.env.Stdout)
	env.RenderTrace = func(inv investigate.Investigation) []string {
		var b bytes.Buffer
		report.Waterfall(&b, inv, 48, tty)
		return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	}
	return env, bar, nil
}
