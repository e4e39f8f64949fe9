package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newLogsCmd(g *globals) *cobra.Command {
	var n int
	c := &cobra.Command{
		Use:   "logs [--lines 50]",
		Short: "Show the end of every log: the Docker stacks' containers, or the native processes' files",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if _, err := g.layout(); err != nil {
				return err
			}
			shown := false
			for _, rt := range g.stacks.Each(c.Context()) {
				some, err := rt.Logs(c.Context(), g.env.Stdout, n)
				if err != nil {
					return err
				}
				shown = shown || some
			}
			w := g.env.Stdout
			if !shown {
				fmt.Fprintln(w, "no logs: nothing has run yet (start a stack with `flowctl up --mode events`)")
			}
			return nil
		},
	}
	c.Flags().IntVar(&n, "lines", 50, "how many lines of each log")
	return c
}
