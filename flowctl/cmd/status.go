package cmd

import (
	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
)

func newStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show what runs: the broker, Jaeger and each stack's services",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			l, err := g.layout()
			if err != nil {
				return err
			}
			states := stack.Status(c.Context(), stack.StatusOptions{Layout: l, PortBase: g.portBase, BrokerPort: g.brokerPort, Getenv: g.env.Getenv})
			if asJSON {
				return printJSON(g.env.Stdout, states)
			}
			return report.Status(g.env.Stdout, states)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
