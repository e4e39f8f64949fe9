package native

import (
	"context"
	"maps"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
)

// SetEnv restarts svc of mode's stack with vars set on top of what the stack
// was brought up with (an empty value: the service's default) and returns
// once it is ready. They stay set for later starts of svc until SetEnv is
// called again; an empty vars drops them.
func (r *Runtime) SetEnv(ctx context.Context, m config.Mode, svc string, vars map[string]string) error {
	if err := stack.CheckEnv(svc, vars); err != nil {
		return err
	}
	prev := maps.Clone(r.env[m][svc])
	stack.WithEnv(r.env, m, svc, vars)
	if err := r.StartService(ctx, m, svc); err != nil {
		// A later start must not bring svc back with the switch half set.
		stack.WithEnv(r.env, m, svc, prev)
		return err
	}
	return nil
}
