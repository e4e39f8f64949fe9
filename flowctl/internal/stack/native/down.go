package native

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// StopGrace is how long a process gets between SIGTERM and SIGKILL.
const StopGrace = 10 * time.Second

// Stopped is one pid file Down dealt with.
type Stopped struct {
	What   string `json:"what"`
	PID    int    `json:"pid"`
	Killed bool   `json:"killed,omitempty"` // needed SIGKILL
	// Stale: the pid file named a process that is gone or not flowctl's; only
	// the file was removed.
	Stale bool `json:"stale,omitempty"`
}

// Down stops the services of modes and, when infra is set, the dashboard,
// Jaeger and the broker (they serve both stacks, so they stop only with
// everything). It
// touches nothing but processes its pid files name and that still run the
// command flowctl started.
func Down(ctx context.Context, l stack.Layout, modes []stackmode.Mode, infra bool) ([]Stopped, error) {
	type target struct{ what, pid string }
	var targets []target
	for _, m := range modes {
		for _, svc := range stack.AllServices() {
			targets = append(targets, target{fmt.Sprintf("%s (%s)", svc, m), l.ServicePID(m, svc)},
				target{fmt.Sprintf("%s balancer (%s)", svc, m), l.BalancerPID(m, svc)})
			for i := 1; i <= stack.MaxReplicas; i++ {
				targets = append(targets, target{fmt.Sprintf("%s (%s)", stack.ReplicaName(svc, i), m), l.ReplicaPID(m, svc, i)})
			}
		}
	}
	if infra {
		targets = append(targets, target{"dashboard", l.DashboardPID()}, target{"jaeger", l.JaegerPID()}, target{"broker", l.BrokerPID()})
	}
	var out []Stopped
	var errs []error
	for _, t := range targets {
		res, err := stack.Stop(ctx, t.pid, StopGrace)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.what, err))
			continue
		}
		if res.Found {
			out = append(out, Stopped{What: t.what, PID: res.Proc.PID, Killed: res.Killed, Stale: !res.Ours})
		}
	}
	if infra {
		was, err := stopPostgres(ctx, l)
		if err != nil {
			errs = append(errs, err)
		} else if was {
			out = append(out, Stopped{What: "postgres (" + l.Rel(l.PostgresDir()) + ")"})
		}
	}
	return out, errors.Join(errs...)
}
