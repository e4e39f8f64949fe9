package cmd

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/reset"
	"github.com/orderflow/flowctl/internal/stack"
)

func newResetCmd(g *globals) *cobra.Command {
	var mode string
	var yes bool
	c := &cobra.Command{
		Use:   "reset [--mode sync|events|both] [--yes]",
		Short: "Bring a stack back to its first-start state: databases, topics, dead letters, consumer groups",
		Long: `reset forgets everything a stack has done — between two groups of a workshop:
every service's database (orders, stock back to the seeded catalogue, invoices,
outbox, processed events) and, for the events stack, its topics, dead-letter
topics and consumer groups (replay groups included). Services that were running
are stopped first and started again on empty databases. Works on the native
runtime (processes, embedded broker) and with Docker (containers and their
volumes). Asks for confirmation unless --yes.

  flowctl reset --mode events --yes`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes := stack.Modes
			if mode != "both" {
				m, err := stack.ParseMode(mode)
				if err != nil {
					return fmt.Errorf("--mode %q: use sync, events or both", mode)
				}
				modes = []config.Mode{m}
			}
			w := g.env.Stdout
			if !yes {
				fmt.Fprintf(w, "reset deletes every order, reservation, invoice and event of the %s stack(s); type yes to go on: ", modeList(modes))
				line, _ := bufio.NewReader(c.InOrStdin()).ReadString('\n')
				if strings.TrimSpace(strings.ToLower(line)) != "yes" {
					return fmt.Errorf("%w: nothing was deleted (answer yes, or pass --yes)", reset.ErrNotConfirmed)
				}
			}
			ctx := c.Context()
			rt, err := controlOf(ctx, g, "")
			if err != nil {
				return err
			}
			cfg := reset.Config{
				Modes:       modes,
				Services:    topology.Names(),
				Runtime:     rt,
				Brokers:     g.stacks.Brokers,
				TopicPrefix: g.stacks.TopicPrefix,
				Say:         func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) },
			}
			if err := reset.Run(ctx, cfg); err != nil {
				return ctxErr(ctx, err)
			}
			fmt.Fprintf(w, "reset done: the %s stack(s) are as on their first start\n", modeList(modes))
			return nil
		},
	}
	c.Flags().StringVar(&mode, "mode", "both", "sync, events or both")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return c
}
