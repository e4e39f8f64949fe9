package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// waitUsage is --wait's help, the same on every command that runs on a stack.
const waitUsage = "when another run holds a stack this one uses, wait for it to end (default: refuse at once, saying who holds it)"

// hold takes the run lock (stack.Lock) of modes for command c: a second
// scenario, load, bench, reset or guided run on a stack is refused, or waits
// with --wait, saying once on stderr whom it waits for.
func (g *globals) hold(c *cobra.Command, modes []stackmode.Mode, wait bool) (*stack.Lease, error) {
	return g.stacks.Lock(c.Context(), modes, commandLine(c), stack.LockWait{
		Wait:    wait,
		Waiting: func(b *stack.BusyError) { fmt.Fprintln(g.env.Stderr, b.Waiting()) },
	})
}

// commandLine is c as the user could type it again: its path, arguments
// and the flags they set, its own and the global ones (the holder's text
// other runs show).
func commandLine(c *cobra.Command) string {
	parts := append([]string{c.CommandPath()}, c.Flags().Args()...)
	visit := func(f *pflag.Flag) {
		if f.Value.Type() == "bool" && f.Value.String() == "true" {
			parts = append(parts, "--"+f.Name)
			return
		}
		v := f.Value.String()
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			v = strings.Join(sv.GetSlice(), ",")
		}
		parts = append(parts, "--"+f.Name+" "+v)
	}
	c.Flags().Visit(visit) // the global flags are merged in by the time a command runs
	return strings.Join(parts, " ")
}
