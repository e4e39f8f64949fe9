package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/faultctl"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const faultLong = `fault sets, clears or shows the faults of a running service through its
/admin/faults endpoint (token: ADMIN_TOKEN, or the one flowctl gave its stacks
in .run/admin-token). Latency and errors apply to the service's API and to each
event it consumes; paused consumers stop taking events from Kafka;
--crash-after-commit N ends order-svc abruptly right after its N-th order
commit from now (the dual-write lesson; flowctl scenario dual-write restarts
it for you, by hand use flowctl up); --decline-rate R makes invoicing-svc's
payment provider decline that share of charges (the saga's lesson: the order
ends FAILED and its stock is released). Without --mode it acts on every stack
that runs.

  flowctl fault set inventory --latency 300ms --error-rate 0.2
  flowctl fault set inventory-svc --mode events --pause-consumers
  flowctl fault set order --mode events --crash-after-commit 1
  flowctl fault set invoicing --mode events --decline-rate 0.5
  flowctl fault clear                          (every service of every stack)
  flowctl fault show --mode sync`

// faultFlags are the flags every fault subcommand shares.
type faultFlags struct {
	mode   string
	asJSON bool
}

func newFaultCmd(g *globals) *cobra.Command {
	f := &faultFlags{}
	c := &cobra.Command{
		Use:   "fault",
		Short: "Break a running service on purpose: added latency, error rate, paused consumers, a crash after a commit, declined payments",
		Long:  faultLong,
	}
	c.PersistentFlags().StringVar(&f.mode, "mode", "", "which stack: sync, events or events-orchestration (default: every stack that runs)")
	c.PersistentFlags().BoolVar(&f.asJSON, "json", false, "print the faults in force as JSON, by mode and service")
	c.AddCommand(newFaultSetCmd(g, f), newFaultClearCmd(g, f), newFaultShowCmd(g, f))
	return c
}

func newFaultSetCmd(g *globals, f *faultFlags) *cobra.Command {
	var sf faultctl.SetFlags
	set := &cobra.Command{
		Use:   "set SERVICE [--mode M] [--latency D] [--error-rate R] [--pause-consumers] [--crash-after-commit N] [--decline-rate R]",
		Short: "Replace a service's faults",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			faults, err := sf.Faults(args[0])
			if err != nil {
				return err
			}
			return applyFaults(c.Context(), g, f, args, faultctl.Set, faults, faultctl.SetLine)
		},
	}
	set.Flags().DurationVar(&sf.Latency, "latency", 0, "added to every request and every consumed event (e.g. 300ms)")
	set.Flags().Float64Var(&sf.ErrorRate, "error-rate", 0, "share of requests answered 503 and of event handlings failed and retried (0–1)")
	set.Flags().BoolVar(&sf.Pause, "pause-consumers", false, "stop consuming from Kafka (events mode): the backlog grows")
	set.Flags().IntVar(&sf.Crash, "crash-after-commit", 0, "order-svc exits abruptly right after its N-th order commit from now (0: off)")
	set.Flags().Float64Var(&sf.DeclineRate, "decline-rate", 0, "share of charges invoicing-svc's payment provider declines (0–1): those orders end FAILED")
	return set
}

func newFaultClearCmd(g *globals, f *faultFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "clear [SERVICE] [--mode M]",
		Short: "Remove the faults of one service, or of every service",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			targets := topology.Names()
			if len(args) == 1 {
				targets = args
			}
			return applyFaults(c.Context(), g, f, targets, faultctl.Clear, api.Faults{}, faultctl.ClearLine)
		},
	}
}

func newFaultShowCmd(g *globals, f *faultFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show [--mode M]",
		Short: "Show the faults of every service",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return applyFaults(c.Context(), g, f, topology.Names(), faultctl.Show, api.Faults{}, faultctl.ShowLine)
		},
	}
}

// applyFaults does op to every service of every targeted stack and prints
// the faults in force afterwards, as JSON with --json.
func applyFaults(ctx context.Context, g *globals, f *faultFlags, svcs []string, op faultctl.Op, faults api.Faults, line func(stackmode.Mode, string, api.Faults) string) error {
	modes, err := faultctl.Modes(ctx, f.mode, g.stacks.URLs)
	if err != nil {
		return err
	}
	ctl, err := faultctl.ForStacks(g.stacks)
	if err != nil {
		return err
	}
	out, err := ctl.Apply(ctx, modes, svcs, op, faults, func(m stackmode.Mode, svc string, fs api.Faults, note string) {
		if !f.asJSON {
			fmt.Fprintln(g.env.Stdout, line(m, svc, fs))
		}
		if w := g.env.Stdout; note != "" {
			if f.asJSON {
				w = g.env.Stderr // stdout stays JSON
			}
			fmt.Fprintln(w, "  "+note)
		}
	})
	if ue, ok := errors.AsType[*faultctl.UnreachableError](err); ok {
		return explain.Unreachable(ue.Err, ue.What, string(ue.Mode))
	}
	if err != nil {
		return err
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, out)
	}
	return nil
}

// serviceName accepts "inventory" for "inventory-svc" (and "fraud" for
// fraud-svc, which runs where the fraud check joined).
func serviceName(svc string) (string, error) {
	return faultctl.Controller{Services: stack.AllServices()}.ServiceName(svc)
}

// faultTarget checks the mode and the service's name.
func faultTarget(mode, svc string) (stackmode.Mode, string, error) {
	m, err := stack.ParseMode(mode)
	if err != nil {
		return "", "", err
	}
	svc, err = serviceName(svc)
	return m, svc, err
}
