package kube

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// notMeasured says why a pod's CPU and memory are not read: they are the
// metrics API's (metrics-server), which flowctl does not read.
const notMeasured = "CPU and memory not measured: `kubectl top pods` shows what the cluster's metrics-server has"

// Usage lists mode's services, its broker and Jaeger as the API sees them:
// running when a replica is ready, never measured (notMeasured).
func (r *Runtime) Usage(ctx context.Context, m stackmode.Mode) ([]usage.Component, error) {
	svcs, err := r.deployed(ctx, m)
	if err != nil {
		return nil, err
	}
	var out []usage.Component
	for _, svc := range svcs {
		c, err := r.deploymentUsage(ctx, m, svc, usage.KindService)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if m.Kafka() {
		if s, err := r.statefulSet(ctx, m, brokerSet); err == nil {
			out = append(out, usage.Component{Name: "broker", Kind: usage.KindBroker,
				Impl:    fmt.Sprintf("Apache Kafka, StatefulSet %s/%s (%d of %d ready); %s", s.Namespace, s.Name, s.Status.ReadyReplicas, replicas(s.Spec.Replicas), notMeasured),
				Where:   s.Namespace + "/" + s.Name,
				Running: s.Status.ReadyReplicas > 0, Processes: int(s.Status.ReadyReplicas)})
		}
	}
	if c, err := r.deploymentUsage(ctx, m, jaegerName, usage.KindTracing); err == nil {
		out = append(out, c)
	}
	return out, nil
}

// deploymentUsage is one Deployment as a component.
func (r *Runtime) deploymentUsage(ctx context.Context, m stackmode.Mode, name string, kind usage.Kind) (usage.Component, error) {
	d, err := r.deployment(ctx, m, name)
	if err != nil {
		return usage.Component{}, err
	}
	pods, err := r.pods(ctx, d.Namespace, d.Spec.Selector)
	if err != nil {
		return usage.Component{}, err
	}
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.Name
	}
	return usage.Component{Name: name, Kind: kind,
		Impl:    fmt.Sprintf("Deployment %s/%s (%d of %d ready); %s", d.Namespace, name, d.Status.ReadyReplicas, replicas(d.Spec.Replicas), notMeasured),
		Where:   "pods " + strings.Join(names, ", "),
		Running: d.Status.ReadyReplicas > 0, Processes: len(pods)}, nil
}

// Processes: none on this host; the pods run on the cluster's nodes.
func (r *Runtime) Processes(_ context.Context, m stackmode.Mode) ([]stack.Process, string) {
	return nil, fmt.Sprintf("the %s stack runs in pods on the cluster (namespace %s), not as processes of this host", m, r.ns(m))
}
