package stack

import (
	"context"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/usage"
)

// Runtime is what flowctl may do to the runtime the stacks run in: a
// process (native) or a container (Docker) is stopped and started the same
// way from a caller's point of view.
type Runtime interface {
	// Runtime is "native" or "docker".
	Runtime() string
	// StopService stops one service of mode's stack.
	StopService(ctx context.Context, mode config.Mode, svc string) error
	// StartService starts it again and returns once it answers /readyz.
	StartService(ctx context.Context, mode config.Mode, svc string) error
	// StopBroker stops the Kafka broker; false when none was running.
	StopBroker(ctx context.Context) (bool, error)
	// StartBroker starts it again and returns once it answers.
	StartBroker(ctx context.Context) error
	// SetPropagation restarts mode's services with TRACE_PROPAGATION=p and
	// returns once they are ready.
	SetPropagation(ctx context.Context, mode config.Mode, p config.Propagation) error
	// Propagation is the TRACE_PROPAGATION mode's services run with.
	Propagation(mode config.Mode) config.Propagation
	// SetEnv restarts svc of mode's stack with vars set (documented
	// variables only; an empty value: the service's default) and returns
	// once it is ready. They stay set for its later starts until SetEnv is
	// called again; an empty vars drops them.
	SetEnv(ctx context.Context, mode config.Mode, svc string, vars map[string]string) error
	// Usage measures what mode's components use now: its services, the
	// broker (events) and the shared tracing backend when it runs.
	Usage(ctx context.Context, mode config.Mode) ([]usage.Component, error)
}
