package docker

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// downStacks removes the containers of modes' stacks only: the broker,
// Jaeger, the other stacks and the named volumes (the services' databases)
// stay, so one stack goes down without touching what shares the compose
// project with it. It returns how many stacks had containers.
func downStacks(ctx context.Context, c *Compose, modes []stackmode.Mode, w io.Writer) (int, error) {
	n := 0
	for _, m := range modes {
		// The stack's fraud-svc runs under a profile of its own (the step
		// joins only with the check on): it goes down with its stack.
		profiles := []string{"--profile", composeStack(m), "--profile", fraudProfile(m)}
		var names []string
		for _, svc := range append(topology.Names(), topology.FraudSvc) {
			names = append(names, container(m, svc))
		}
		out, err := c.Output(ctx, append(append(profiles, "ps", "-a", "-q"), names...)...)
		if err != nil || strings.TrimSpace(out) == "" {
			continue // compose knows no container of this stack
		}
		if err := c.Run(ctx, w, append(append(profiles, "rm", "-s", "-f"), names...)...); err != nil {
			return n, fmt.Errorf("remove the %s stack's containers: %w", m, err)
		}
		fmt.Fprintf(w, "removed the %s stack's containers (compose project %s; the broker, Jaeger and the volumes stay)\n", m, ComposeProject)
		n++
	}
	return n, nil
}
