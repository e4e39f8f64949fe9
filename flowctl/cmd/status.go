package cmd

import (
	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/report"
)

func newStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show what runs: the broker, Jaeger, each stack's services and their replicas (natively and on Docker), and its store",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			states, err := g.stacks.Status(c.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(g.env.Stdout, states)
			}
			return report.Status(g.env.Stdout, states)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
