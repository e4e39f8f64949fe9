package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/report"
)

const loadLong = `load brings the chosen stacks up and places orders at a steady rate (open loop:
each order is sent on schedule, answered or not) for the given duration, then
follows every order until its status is final and prints, per mode, the
statuses, placement latency and time to consistency (p50/p90/p99/max). With
--mode both the two stacks get the same load at the same time.

  flowctl load --mode both --rate 50 --duration 30s`

type loadFlags struct {
	up               upFlags
	mode             string
	rate             float64
	duration, settle time.Duration
	asJSON           bool
}

func newLoadCmd(g *globals) *cobra.Command {
	f := &loadFlags{}
	c := &cobra.Command{
		Use:   "load --mode sync|events|both --rate R --duration D",
		Short: "Drive a steady order load at one or both stacks, then show latency and consistency",
		Long:  loadLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runLoad(c, g, f)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync, events or both (required)")
	c.Flags().BoolVar(&f.up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger")
	c.Flags().BoolVar(&f.up.build, "build", false, "docker runtime: rebuild the service images")
	c.Flags().Float64Var(&f.rate, "rate", 20, "orders per second per stack")
	c.Flags().DurationVar(&f.duration, "duration", 10*time.Second, "how long to place orders")
	c.Flags().DurationVar(&f.settle, "settle", time.Minute, "how long to wait for the orders to become final")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	return c
}

func runLoad(c *cobra.Command, g *globals, f *loadFlags) error {
	modes, err := parseModes(f.mode)
	if err != nil {
		return fmt.Errorf("--mode %q: %w", f.mode, err)
	}
	cfg := load.Config{Rate: f.rate, Duration: f.duration}
	n, err := cfg.Plan()
	if err != nil {
		return fmt.Errorf("--rate/--duration: %w", err)
	}
	if n > 100000 {
		return fmt.Errorf("--rate %g × --duration %s is %d orders: keep it at 100000 or fewer", f.rate, f.duration, n)
	}
	if f.settle < time.Second {
		return fmt.Errorf("--settle %s: use at least 1s", f.settle)
	}
	progress := g.env.Stdout
	if f.asJSON {
		progress = g.env.Stderr
	}
	ctx := c.Context()
	var stacks []load.Stack
	for _, m := range modes {
		st, err := bringUp(ctx, g, m, f.up, progress)
		if err != nil {
			return err
		}
		stacks = append(stacks, load.Stack{Mode: string(m), OrderURL: st.OrderURL(), Inventory: api.NewInventory(st.URLs["inventory-svc"], nil)})
	}
	fmt.Fprintf(progress, "placing %d orders per stack at %g/s for %s\n", n, f.rate, f.duration)
	bar := report.NewProgress(progress, isTerminal(progress))
	results, err := load.RunStacks(ctx, stacks, load.StacksConfig{
		Rate: f.rate, Count: n, Settle: f.settle,
		Say:      func(s string) { fmt.Fprintln(progress, s) },
		Progress: bar.Update,
		Explain: func(err error, what, mode string) error {
			return explain.Interrupted(ctx, explain.Unreachable(err, what, mode))
		},
	})
	bar.Done()
	if err != nil {
		return explain.Interrupted(ctx, err)
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, results)
	}
	load.Print(g.env.Stdout, results)
	return nil
}

func modeList(modes []config.Mode) string {
	parts := make([]string, len(modes))
	for i, m := range modes {
		parts[i] = string(m)
	}
	return strings.Join(parts, "+")
}
