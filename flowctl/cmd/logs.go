package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/stack"
)

func newLogsCmd(g *globals) *cobra.Command {
	var n int
	c := &cobra.Command{
		Use:   "logs [--lines 50]",
		Short: "Show the end of every log: the Docker stacks' containers, or the native processes' files",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			l, err := g.layout()
			if err != nil {
				return err
			}
			w := g.env.Stdout
			shown := false
			if rt, _ := stack.ParseRuntime(g.runtime); rt != stack.RuntimeNative {
				if compose, err := stack.FindCompose(c.Context(), l.Root, g.env.Getenv); err == nil {
					if out, _ := compose.Output(c.Context(), "ps", "-q"); out != "" {
						if err := compose.Run(c.Context(), w, "logs", "--no-color", "--tail", strconv.Itoa(n)); err != nil {
							return err
						}
						shown = true
					}
				}
			}
			files, _ := filepath.Glob(filepath.Join(l.RunDir, "*", "logs", "*.log"))
			more, _ := filepath.Glob(filepath.Join(l.RunDir, "logs", "*.log"))
			for _, f := range append(more, files...) {
				if _, err := os.Stat(f); err != nil {
					continue
				}
				fmt.Fprintf(w, "==> %s <==\n", l.Rel(f))
				for _, line := range stack.TailFile(f, n) {
					fmt.Fprintln(w, line)
				}
				shown = true
			}
			if !shown {
				fmt.Fprintln(w, "no logs: nothing has run yet (start a stack with `flowctl up --mode events`)")
			}
			return nil
		},
	}
	c.Flags().IntVar(&n, "lines", 50, "how many lines of each log")
	return c
}
