package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const downLong = `down stops the processes flowctl started, found through their pid files. A pid
is signalled only while /proc/<pid>/cmdline still shows the command flowctl
started, so a recycled pid is never touched. Each process gets SIGTERM, then
SIGKILL after 10 s. The broker and Jaeger serve every stack and stop only with
--mode all (the default).`

func newDownCmd(g *globals) *cobra.Command {
	var mode string
	c := &cobra.Command{
		Use:   "down [--mode sync|events|events-orchestration|all]",
		Short: "Stop what flowctl started (and nothing else)",
		Long:  downLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var modes []stackmode.Mode
			infra := false
			switch mode {
			case "all":
				modes, infra = stack.Modes, true
			default:
				m, err := stack.ParseMode(mode)
				if err != nil {
					return fmt.Errorf("--mode %q: use sync, events, events-orchestration or all", mode)
				}
				modes = []stackmode.Mode{m}
			}
			return g.stacks.Down(c.Context(), modes, infra, g.env.Stdout)
		},
	}
	c.Flags().StringVar(&mode, "mode", "all", "sync, events, events-orchestration, or all (all also stops the broker and Jaeger)")
	return c
}
