package docker

import (
	"context"
	"fmt"
	"io"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// downStacks removes the containers of modes' stacks only: the broker,
// Jaeger, the other stacks and the named volumes (the services' databases)
// stay, so one stack goes down without touching what shares the compose
// project with it. It returns how many stacks had containers.
func downStacks(ctx context.Context, c *Compose, modes []stackmode.Mode, w io.Writer) (int, error) {
	n := 0
	for _, m := range modes {
		// Both forms (form.go); fraud-svc, under a profile of its own, goes
		// down with its stack.
		any := false
		for _, pg := range []bool{false, true} {
			removed, err := removeForm(ctx, c, m, pg, w)
			if err != nil {
				return n, err
			}
			any = any || removed
		}
		if any {
			fmt.Fprintf(w, "removed the %s stack's containers (compose project %s; the broker, Jaeger and the volumes stay)\n", m, ComposeProject)
			n++
		}
	}
	return n, nil
}
