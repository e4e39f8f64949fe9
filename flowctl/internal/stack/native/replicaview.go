package native

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Local is true: natively the stacks run on flowctl's machine.
func (r *Runtime) Local() bool { return true }

// ReplicaMetrics reads each running replica of svc at its own port
// (stack.ReplicaPort), by replica name; an unscaled service is its one
// process on its usual port.
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	port := stack.ServicePort(r.s.PortBase, m, svc)
	urls := map[string]string{}
	if _, ok := stack.RunningFromPIDFile(r.l.BalancerPID(m, svc)); ok {
		for _, i := range runningReplicas(r.l, m, svc) {
			urls[stack.ReplicaName(svc, i)] = stack.URL(stack.ReplicaPort(port, i))
		}
	} else if _, ok := stack.RunningFromPIDFile(r.l.ServicePID(m, svc)); ok {
		urls[svc] = stack.URL(port)
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("no replica of %s (%s) runs", svc, m)
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	out := map[string]map[string]float64{}
	for name, u := range urls {
		got, err := api.GetMetrics(ctx, u, hc)
		if err != nil {
			return nil, fmt.Errorf("metrics of %s (%s): %w", name, m, err)
		}
		out[name] = got
	}
	return out, nil
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
