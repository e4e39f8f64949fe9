package cmd

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/stack"
)

const scaleLong = `scale runs N replicas of one service of a running stack, while load runs.
Natively the replicas listen on the service's port + 1000·i (inventory-svc of
the sync stack: 9082, 10082, …) behind a balancer (a 'flowctl lb' process) on
its usual port, so callers keep their URL. Replicas added answer /readyz
before they join the rotation; replicas removed leave it, finish the requests
they have in flight (draining), then get SIGTERM (an events consumer leaves
its group, whose partitions go to the others). Replicas added take the
service's faults (flowctl fault), read from a running replica before the
scale. More than one replica needs
the stack on PostgreSQL (SQLite is one writer per file):
'flowctl up --mode M --store postgres' or DATABASE_URL=postgres://… flowctl up.

  flowctl scale inventory 3 --mode events
  flowctl scale inventory 1 --mode events`

func newScaleCmd(g *globals) *cobra.Command {
	var mode string
	c := &cobra.Command{
		Use:   "scale SERVICE N --mode sync|events|events-orchestration",
		Short: "Run N replicas of a service of a running stack (behind a balancer; scale-in drains)",
		Long:  scaleLong,
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			m, svc, err := faultTarget(mode, args[0])
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 1 || n > stack.MaxReplicas {
				return fmt.Errorf("N %q: use a whole number from 1 to %d", args[1], stack.MaxReplicas)
			}
			rt, err := controlOf(ctx, g, m)
			if err != nil {
				return err
			}
			before, err := rt.Replicas(ctx, m, svc)
			if err != nil {
				return err
			}
			if err := rt.Scale(ctx, m, svc, n); err != nil {
				return err
			}
			fmt.Fprintf(g.env.Stdout, "%s (%s, %s): %d → %d replica(s), ready\n", svc, m, rt.Runtime(), before, n)
			return nil
		},
	}
	c.Flags().StringVar(&mode, "mode", "", "which stack the service belongs to: sync, events or events-orchestration")
	return c
}
