package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/reset"
)

const resetLong = `reset forgets everything a stack has done — between two groups of a workshop:
every service's database (orders, stock back to the seeded catalogue, invoices,
outbox, processed events) and, for the events stack, its topics, dead-letter
topics and consumer groups (replay groups included). Services that were running
are stopped first and started again on empty databases. Works on the native
runtime (processes, embedded broker) and with Docker (containers and their
volumes). Asks for confirmation unless --yes.

  flowctl reset --mode events --yes`

func newResetCmd(g *globals) *cobra.Command {
	var mode string
	var yes, wait bool
	c := &cobra.Command{
		Use:   "reset [--mode sync|events|events-orchestration|both|all] [--yes]",
		Short: "Bring a stack back to its first-start state: databases, topics, dead letters, consumer groups",
		Long:  resetLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes, err := reset.Modes(mode)
			if err != nil {
				return err
			}
			w := g.env.Stdout
			if !yes {
				if err := reset.Confirm(c.InOrStdin(), w, modes); err != nil {
					return err
				}
			}
			lease, err := g.hold(c, modes, wait)
			if err != nil {
				return err
			}
			defer lease.Release()
			if err := reset.Stacks(c.Context(), g.stacks, modes, w); err != nil {
				return explain.Interrupted(c.Context(), err)
			}
			fmt.Fprintf(w, "reset done: the %s stack(s) are as on their first start\n", reset.ModeList(modes))
			return nil
		},
	}
	c.Flags().StringVar(&mode, "mode", "both", "sync, events, events-orchestration, both (sync and events) or all")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	c.Flags().BoolVar(&wait, "wait", false, waitUsage)
	return c
}
