package kube

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// WipeService refuses: a service's state on a cluster is a volume or a
// database its owner keeps, not flowctl's to delete.
func (r *Runtime) WipeService(_ context.Context, m stackmode.Mode, svc string) error {
	return fmt.Errorf("wipe %s's database in %s: %w (delete its PersistentVolumeClaim %s-data or its PostgreSQL schema yourself)", svc, r.ns(m), stack.ErrNotOurs, svc)
}

// StartFresh refuses, as WipeService does.
func (r *Runtime) StartFresh(ctx context.Context, m stackmode.Mode, svc string) error {
	return r.WipeService(ctx, m, svc)
}

// WipeStoppedBroker refuses: the Kafka volumes are the cluster's.
func (r *Runtime) WipeStoppedBroker(context.Context) (bool, error) {
	return false, fmt.Errorf("wipe the broker's log on a cluster: %w (its PersistentVolumeClaims data-kafka-N are the cluster's)", stack.ErrNotOurs)
}
