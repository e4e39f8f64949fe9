package native

import (
	"context"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// SetEnv restarts svc of mode's stack with vars set on top of what the stack
// was brought up with (an empty value: the service's default) and returns
// once it is ready. They stay set for later starts of svc until SetEnv is
// called again; an empty vars drops them.
func (r *Runtime) SetEnv(ctx context.Context, m stackmode.Mode, svc string, vars map[string]string) error {
	return stack.SetEnv(r.env, m, svc, vars, func() error { return r.StartService(ctx, m, svc) })
}
