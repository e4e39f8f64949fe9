package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
	asJSON, wait     bool
}

func newLoadCmd(g *globals) *cobra.Command {
	f := &loadFlags{}
	c := &cobra.Command{
		Use:   "load --mode sync|events|events-orchestration|both|all --rate R --duration D",
		Short: "Drive a steady order load at one or both stacks, then show latency and consistency",
		Long:  loadLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runLoad(c, g, f)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync, events, events-orchestration, both (sync and events) or all (required)")
	c.Flags().BoolVar(&f.up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger")
	c.Flags().BoolVar(&f.up.build, "build", false, "docker runtime: rebuild the service images")
	c.Flags().Float64Var(&f.rate, "rate", 20, "orders per second per stack")
	c.Flags().DurationVar(&f.duration, "duration", 10*time.Second, "how long to place orders")
	c.Flags().DurationVar(&f.settle, "settle", time.Minute, "how long to wait for the orders to become final")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	c.Flags().BoolVar(&f.wait, "wait", false, waitUsage)
	return c
}

func runLoad(c *cobra.Command, g *globals, f *loadFlags) error {
	modes, err := parseModes(f.mode)
	if err != nil {
		return fmt.Errorf("--mode %q: %w", f.mode, err)
	}
	lease, err := g.hold(c, modes, f.wait)
	if err != nil {
		return err
	}
	defer lease.Release()
	progress := g.progress(f.asJSON)
	results, err := load.OnStacks(c.Context(), g.stacks, modes, load.Setup{
		Rate: f.rate, Duration: f.duration, Settle: f.settle,
		Up: f.up.options(progress), Stderr: g.env.Stderr, Bar: report.NewProgress(progress, isTerminal(progress)),
	})
	if err != nil {
		return err
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, results)
	}
	load.Print(g.env.Stdout, results)
	return nil
}
