package kube

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Local is false: the pods run on the cluster's nodes, whose cores flowctl
// does not count.
func (r *Runtime) Local() bool { return false }

// ReplicaMetrics is ErrNotOurs: flowctl reaches a Service's pods through
// its balancer (port-forwards or an ingress), one pod per request, so a
// reading is one replica's.
func (r *Runtime) ReplicaMetrics(_ context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	return nil, fmt.Errorf("%s (%s) on Kubernetes: each pod's /metrics is not read one by one: %w", svc, m, stack.ErrNotOurs)
}

// BalancerCounts is ErrNotOurs: a Kubernetes Service spreads connections
// and counts no retries.
func (r *Runtime) BalancerCounts(_ context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	return stack.BalancerCounts{}, fmt.Errorf("%s (%s) on Kubernetes: a Service counts no retries: %w", svc, m, stack.ErrNotOurs)
}
