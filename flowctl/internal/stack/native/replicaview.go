package native

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Local is true: natively the stacks run on flowctl's machine.
func (r *Runtime) Local() bool { return true }

// ReplicaEndpoints are svc's running replicas at their own ports
// (stack.ReplicaPort), by replica name; an unscaled service is its one
// process on its usual port. The balancer in front is not in the way: a
// write to /admin/ through it reaches only the replicas in its rotation.
func (r *Runtime) ReplicaEndpoints(_ context.Context, m stackmode.Mode, svc string) ([]api.Replica, error) {
	port := stack.ServicePort(r.s.PortBase, m, svc)
	var out []api.Replica
	if _, ok := stack.RunningFromPIDFile(r.l.BalancerPID(m, svc)); ok {
		for _, i := range runningReplicas(r.l, m, svc) {
			out = append(out, api.Replica{Name: stack.ReplicaName(svc, i), Base: stack.URL(stack.ReplicaPort(port, i))})
		}
	} else if _, ok := stack.RunningFromPIDFile(r.l.ServicePID(m, svc)); ok {
		out = append(out, api.Replica{Name: svc, Base: stack.URL(port)})
	}
	if len(out) == 0 {
		// Not started from this run dir (or stopped): flowctl cannot tell
		// how many answer at the service's port.
		return nil, fmt.Errorf("no replica of %s (%s) runs from flowctl's run dir: %w", svc, m, stack.ErrNotOurs)
	}
	return out, nil
}

// ReplicaMetrics reads each running replica of svc on its own.
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	return stack.ReadReplicaMetrics(ctx, r, m, svc)
}

// BalancerCounts asks svc's `flowctl lb` (a service scaled at least once).
func (r *Runtime) BalancerCounts(ctx context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	if _, ok := stack.RunningFromPIDFile(r.l.BalancerPID(m, svc)); !ok {
		return stack.BalancerCounts{}, fmt.Errorf("%s (%s) runs without a balancer: scale it first", svc, m)
	}
	c, err := balancerClient(r.opts(m, nil), svc)
	if err != nil {
		return stack.BalancerCounts{}, err
	}
	got, err := c.Counts(ctx)
	if err != nil {
		return stack.BalancerCounts{}, err
	}
	return stack.BalancerCounts{Retried: got.Retried, Refused: got.Refused, Failed: got.Failed}, nil
}
