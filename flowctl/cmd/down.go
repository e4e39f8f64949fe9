package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
)

func newDownCmd(g *globals) *cobra.Command {
	var mode string
	c := &cobra.Command{
		Use:   "down [--mode sync|events|all]",
		Short: "Stop what flowctl started (and nothing else)",
		Long: `down stops the processes flowctl started, found through their pid files. A pid
is signalled only while /proc/<pid>/cmdline still shows the command flowctl
started, so a recycled pid is never touched. Each process gets SIGTERM, then
SIGKILL after 10 s. The broker and Jaeger serve both stacks and stop only with
--mode all (the default).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var modes []config.Mode
			infra := false
			switch mode {
			case "all":
				modes, infra = stack.Modes, true
			default:
				m, err := stack.ParseMode(mode)
				if err != nil {
					return fmt.Errorf("--mode %q: use sync, events or all", mode)
				}
				modes = []config.Mode{m}
			}
			l, err := g.layout()
			if err != nil {
				return err
			}
			w := g.env.Stdout
			n := 0
			// The Docker stacks share one compose project: `down` (all) removes it.
			if rt, _ := stack.ParseRuntime(g.runtime); rt != stack.RuntimeNative && infra {
				if compose, err := stack.FindCompose(c.Context(), l.Root, g.env.Getenv); err == nil {
					removed, err := stack.DockerDown(c.Context(), compose, w)
					if err != nil {
						return err
					}
					if removed {
						fmt.Fprintf(w, "removed the Docker stacks (compose project %s)\n", stack.ComposeProject)
						n++
					}
				}
			}
			stopped, err := stack.Down(c.Context(), l, modes, infra)
			for _, s := range stopped {
				switch {
				case s.Stale:
					fmt.Fprintf(w, "removed stale pid file of %s (pid %d is gone or not a process flowctl started; left alone)\n", s.What, s.PID)
				case s.Killed:
					fmt.Fprintf(w, "stopped %s (pid %d) with SIGKILL: it ignored SIGTERM for 10s\n", s.What, s.PID)
					n++
				default:
					fmt.Fprintf(w, "stopped %s (pid %d)\n", s.What, s.PID)
					n++
				}
			}
			if n == 0 && err == nil {
				fmt.Fprintln(w, "nothing of flowctl's was running")
			}
			return err
		},
	}
	c.Flags().StringVar(&mode, "mode", "all", "sync, events, or all (all also stops the broker and Jaeger)")
	return c
}
