package cmd

import (
	"github.com/spf13/cobra"
)

func newLogsCmd(g *globals) *cobra.Command {
	var n int
	c := &cobra.Command{
		Use:   "logs [--lines 50]",
		Short: "Show the end of every log: the Docker stacks' containers, or the native processes' files",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return g.stacks.Logs(c.Context(), g.env.Stdout, n)
		},
	}
	c.Flags().IntVar(&n, "lines", 50, "how many lines of each log")
	return c
}
