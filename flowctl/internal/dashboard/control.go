package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// control serialises what the page and a running scenario do to the
// runtime: the runtimes are not safe for concurrent use (a propagation
// change restarts services another call may be stopping). It is a decorator
// of the one stack.Runtime: what only reads passes through the embedded
// runtime, what changes it takes the lock. The propagation is cached so the
// stacks can be observed while a slow call (a restart waiting for
// readiness) holds the lock.
type control struct {
	runtime
	inner stack.Runtime

	mu sync.Mutex // held for each call that changes the runtime

	propMu sync.Mutex
	prop   map[stackmode.Mode]config.Propagation
}

// runtime names the embedded stack.Runtime (whose Runtime method a field
// called Runtime would hide).
type runtime = stack.Runtime

func newControl(c stack.Runtime, modes []stackmode.Mode) *control {
	ctl := &control{runtime: c, inner: c, prop: map[stackmode.Mode]config.Propagation{}}
	for _, m := range modes {
		ctl.prop[m] = c.Propagation(m)
	}
	return ctl
}

// JaegerUI passes on what the runtime says of its Jaeger's UI.
func (c *control) JaegerUI() bool { return c.inner.JaegerUI() }

func (c *control) StopService(ctx context.Context, m stackmode.Mode, svc string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.StopService(ctx, m, svc)
}

func (c *control) StartService(ctx context.Context, m stackmode.Mode, svc string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.StartService(ctx, m, svc)
}

func (c *control) StopBroker(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.StopBroker(ctx)
}

func (c *control) StartBroker(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.StartBroker(ctx)
}

func (c *control) SetPropagation(ctx context.Context, m stackmode.Mode, p config.Propagation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.inner.SetPropagation(ctx, m, p)
	c.propMu.Lock()
	c.prop[m] = c.inner.Propagation(m)
	c.propMu.Unlock()
	return err
}

func (c *control) SetEnv(ctx context.Context, m stackmode.Mode, svc string, vars map[string]string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.SetEnv(ctx, m, svc, vars)
}

// Usage reads the runtime's counters; it waits for a call that changes the
// runtime, so a sample never lands in the middle of a restart.
func (c *control) Usage(ctx context.Context, m stackmode.Mode) ([]usage.Component, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.Usage(ctx, m)
}

func (c *control) WipeService(ctx context.Context, m stackmode.Mode, svc string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.WipeService(ctx, m, svc)
}

func (c *control) StartFresh(ctx context.Context, m stackmode.Mode, svc string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.StartFresh(ctx, m, svc)
}

func (c *control) Propagation(m stackmode.Mode) config.Propagation {
	c.propMu.Lock()
	defer c.propMu.Unlock()
	return c.prop[m]
}

// setPropagation restarts a stack's services with another
// TRACE_PROPAGATION (child, link or off): how an order's trace looks, and
// what an investigator is left with, changes with it.
func (s *Server) setPropagation(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	var req struct {
		Propagation string `json:"propagation"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	p := config.Propagation(req.Propagation)
	switch p {
	case config.PropagationChild, config.PropagationLink, config.PropagationOff:
	default:
		invalid(w, "propagation", fmt.Sprintf("propagation %q: use child, link or off", req.Propagation))
		return
	}
	ctl, err := s.control(r.Context())
	if err != nil {
		failed(w, "No runtime control", err)
		return
	}
	if err := ctl.SetPropagation(s.baseContext(), ms.mode, p); err != nil {
		failed(w, "Could not restart the services", err)
		return
	}
	s.reobserve(ms)
	writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "propagation": ctl.Propagation(ms.mode)})
}
