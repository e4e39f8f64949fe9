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

// ReplicaMetrics reads /metrics of each ready pod behind svc's Service on
// its own, through the balancer's port-forwards, by pod name. Through an
// ingress (FLOWCTL_KUBE_URL) a request reaches one pod of the ingress's
// choosing: ErrNotOurs.
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
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
	hc := &http.Client{Transport: b.proxy.Transport, Timeout: 5 * time.Second}
	out := map[string]map[string]float64{}
	for _, t := range ts {
		got, err := api.GetMetrics(ctx, "http://"+net.JoinHostPort(t.pod, strconv.Itoa(t.port)), hc)
		if err != nil {
			return nil, fmt.Errorf("metrics of pod %s (%s): %w", t.pod, m, err)
		}
		out[t.pod] = got
	}
	return out, nil
}

// BalancerCounts is ErrNotOurs: a Kubernetes Service spreads connections
// and counts no retries.
func (r *Runtime) BalancerCounts(_ context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	return stack.BalancerCounts{}, fmt.Errorf("%s (%s) on Kubernetes: a Service counts no retries: %w", svc, m, stack.ErrNotOurs)
}
