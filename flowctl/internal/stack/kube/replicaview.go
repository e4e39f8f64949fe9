package kube

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Local is false: the pods run on the cluster's nodes, whose cores flowctl
// does not count.
func (r *Runtime) Local() bool { return false }

// ReplicaEndpoints are the ready pods behind svc's Service, each reached
// through the balancer's port-forwards, by pod name. Through an ingress
// (FLOWCTL_KUBE_URL) a request reaches one pod of the ingress's choosing:
// ErrNotOurs.
func (r *Runtime) ReplicaEndpoints(ctx context.Context, m stackmode.Mode, svc string) ([]api.Replica, error) {
	if r.cfg.URL != "" {
		return nil, fmt.Errorf("%s (%s) through an ingress: one pod per request: %w", svc, m, stack.ErrNotOurs)
	}
	b, err := r.balancer(m, svc)
	if err != nil {
		return nil, err
	}
	ts, err := b.ready(ctx)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("no pod of %s (%s) is ready", svc, m)
	}
	hc := &http.Client{Transport: b.proxy.Transport, Timeout: 5 * time.Second}
	out := make([]api.Replica, 0, len(ts))
	for _, t := range ts {
		out = append(out, api.Replica{Name: t.pod, Base: "http://" + net.JoinHostPort(t.pod, strconv.Itoa(t.port)), Client: hc})
	}
	return out, nil
}

// ReplicaMetrics reads /metrics of each ready pod on its own, by pod name.
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	return stack.ReadReplicaMetrics(ctx, r, m, svc)
}

// BalancerCounts is ErrNotOurs: a Kubernetes Service spreads connections
// and counts no retries.
func (r *Runtime) BalancerCounts(_ context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	return stack.BalancerCounts{}, fmt.Errorf("%s (%s) on Kubernetes: a Service counts no retries: %w", svc, m, stack.ErrNotOurs)
}
