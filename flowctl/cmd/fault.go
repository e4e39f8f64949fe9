package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/faultctl"
	"github.com/orderflow/flowctl/internal/stack"
)

func newFaultCmd(g *globals) *cobra.Command {
	var mode string
	var asJSON bool
	c := &cobra.Command{
		Use:   "fault",
		Short: "Break a running service on purpose: added latency, error rate, paused consumers, a crash after a commit",
		Long: `fault sets, clears or shows the faults of a running service through its
/admin/faults endpoint (token: ADMIN_TOKEN, or the one flowctl gave its stacks
in .run/admin-token). Latency and errors apply to the service's API and to each
event it consumes; paused consumers stop taking events from Kafka;
--crash-after-commit N ends order-svc abruptly right after its N-th order
commit from now (the dual-write lesson; flowctl scenario dual-write restarts
it for you, by hand use flowctl up). Without --mode it acts on every stack that
runs.

  flowctl fault set inventory --latency 300ms --error-rate 0.2
  flowctl fault set inventory-svc --mode events --pause-consumers
  flowctl fault set order --mode events --crash-after-commit 1
  flowctl fault clear                          (every service of every stack)
  flowctl fault show --mode sync`,
	}
	c.PersistentFlags().StringVar(&mode, "mode", "", "which stack: sync or events (default: every stack that runs)")
	c.PersistentFlags().BoolVar(&asJSON, "json", false, "print the faults in force as JSON, by mode and service")

	// each applies op to every service of every targeted stack and prints
	// the faults in force afterwards, as JSON with --json.
	each := func(ctx context.Context, svcs []string, op faultctl.Op, faults api.Faults, line func(m config.Mode, svc string, f api.Faults) string) error {
		modes, err := faultModes(ctx, g, mode)
		if err != nil {
			return err
		}
		ctl, err := faultController(g)
		if err != nil {
			return err
		}
		out, err := ctl.Apply(ctx, modes, svcs, op, faults, func(m config.Mode, svc string, f api.Faults) {
			if !asJSON {
				fmt.Fprintln(g.env.Stdout, line(m, svc, f))
			}
		})
		if ue, ok := errors.AsType[*faultctl.UnreachableError](err); ok {
			return unreachable(ue.Err, ue.What, string(ue.Mode))
		}
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(g.env.Stdout, out)
		}
		return nil
	}

	var latency time.Duration
	var rate float64
	var pause bool
	var crash int
	set := &cobra.Command{
		Use:   "set SERVICE [--mode M] [--latency D] [--error-rate R] [--pause-consumers] [--crash-after-commit N]",
		Short: "Replace a service's faults",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if rate < 0 || rate > 1 {
				return fmt.Errorf("--error-rate %g: use a share from 0 to 1", rate)
			}
			if crash < 0 {
				return fmt.Errorf("--crash-after-commit %d: use 0 (off) or the number of the commit to crash after, e.g. 1", crash)
			}
			// Only order-svc commits orders: elsewhere the fault would be
			// accepted and never fire.
			if crash > 0 && args[0] != "order" && args[0] != "order-svc" {
				return fmt.Errorf("--crash-after-commit: only order-svc has a crash point; use `flowctl fault set order --crash-after-commit %d`", crash)
			}
			s := api.Faults{Latency: latency.String(), ErrorRate: rate, ConsumersPaused: pause, CrashAfterCommit: crash}
			return each(c.Context(), args, faultctl.Set, s, func(m config.Mode, svc string, f api.Faults) string {
				return fmt.Sprintf("%s (%s): latency %s, error rate %g, consumers paused %v, crash after commit %d", svc, m, f.Latency, f.ErrorRate, f.ConsumersPaused, f.CrashAfterCommit)
			})
		},
	}
	set.Flags().DurationVar(&latency, "latency", 0, "added to every request and every consumed event (e.g. 300ms)")
	set.Flags().Float64Var(&rate, "error-rate", 0, "share of requests answered 503 and of event handlings failed and retried (0–1)")
	set.Flags().BoolVar(&pause, "pause-consumers", false, "stop consuming from Kafka (events mode): the backlog grows")
	set.Flags().IntVar(&crash, "crash-after-commit", 0, "order-svc exits abruptly right after its N-th order commit from now (0: off)")

	clear := &cobra.Command{
		Use:   "clear [SERVICE] [--mode M]",
		Short: "Remove the faults of one service, or of every service",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			targets := stack.Services
			if len(args) == 1 {
				targets = args
			}
			return each(c.Context(), targets, faultctl.Clear, api.Faults{}, func(m config.Mode, svc string, _ api.Faults) string {
				return fmt.Sprintf("%s (%s): no faults", svc, m)
			})
		},
	}
	show := &cobra.Command{
		Use:   "show [--mode M]",
		Short: "Show the faults of every service",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return each(c.Context(), stack.Services, faultctl.Show, api.Faults{}, func(m config.Mode, svc string, f api.Faults) string {
				return fmt.Sprintf("%-6s %-14s latency %-6s error rate %-4g consumers paused %-5v crash after commit %d", m, svc, f.Latency, f.ErrorRate, f.ConsumersPaused, f.CrashAfterCommit)
			})
		},
	}
	c.AddCommand(set, clear, show)
	return c
}

// faultModes are the stacks a fault command acts on: --mode, else every
// stack whose order-svc answers.
func faultModes(ctx context.Context, g *globals, mode string) ([]config.Mode, error) {
	if mode != "" {
		m, err := stack.ParseMode(mode)
		if err != nil {
			return nil, err
		}
		return []config.Mode{m}, nil
	}
	var modes []config.Mode
	for _, m := range stack.Modes {
		if stack.Answers(ctx, g.stacks.URLs(m)[topology.OrderSvc]+"/healthz") {
			modes = append(modes, m)
		}
	}
	if len(modes) == 0 {
		return nil, errors.New("no stack answers: start one with `flowctl up --mode sync|events`, or name one with --mode")
	}
	return modes, nil
}

// serviceName accepts "inventory" for "inventory-svc".
func serviceName(svc string) (string, error) {
	return faultctl.Controller{Services: stack.Services}.ServiceName(svc)
}

// faultTarget checks the mode and the service's name.
func faultTarget(mode, svc string) (config.Mode, string, error) {
	m, err := stack.ParseMode(mode)
	if err != nil {
		return "", "", err
	}
	svc, err = serviceName(svc)
	return m, svc, err
}

// faultController reaches the stacks' admin endpoints with flowctl's token.
func faultController(g *globals) (faultctl.Controller, error) {
	tok, err := g.stacks.Token()
	if err != nil {
		return faultctl.Controller{}, err
	}
	return faultctl.Controller{
		Token:    tok,
		URLs:     g.stacks.URLs,
		Services: stack.Services,
	}, nil
}
