package stack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A fault (/admin/faults) is the service's: "inventory-svc is slow" holds
// for every replica of it. The runtimes' balancers send a request to one
// replica, so the admin client writes to each replica on its own, through
// Runtime.ReplicaEndpoints.

// AdminReplicas lists svc's replicas in mode's stack for api.Admin
// (EachReplica), asking the runtime rt returns at each call. A runtime that
// cannot reach them one by one (ErrNotOurs) makes it api.ErrReplicasUnknown:
// the admin client then writes to the service's one URL and says so.
func AdminReplicas(rt func(context.Context) (Runtime, error), m stackmode.Mode, svc string) api.Replicas {
	return func(ctx context.Context) ([]api.Replica, error) {
		r, err := rt(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: no runtime to ask (%v)", api.ErrReplicasUnknown, err)
		}
		rs, err := r.ReplicaEndpoints(ctx, m, svc)
		if errors.Is(err, ErrNotOurs) {
			return nil, fmt.Errorf("%w: %v", api.ErrReplicasUnknown, err)
		}
		return rs, err
	}
}

// ReadReplicaMetrics reads /metrics of each replica of svc the runtime
// lists, by replica name: what Runtime.ReplicaMetrics is on every runtime.
func ReadReplicaMetrics(ctx context.Context, r Runtime, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	rs, err := r.ReplicaEndpoints(ctx, m, svc)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]float64{}
	for _, rep := range rs {
		hc := rep.Client
		if hc == nil {
			hc = &http.Client{Timeout: 5 * time.Second}
		}
		got, err := api.GetMetrics(ctx, rep.Base, hc)
		if err != nil && !gone(ctx, r, m, svc, rep.Name) {
			return nil, fmt.Errorf("metrics of %s (%s): %w", rep.Name, m, err)
		}
		if err == nil {
			out[rep.Name] = got
		}
	}
	return out, nil
}

// gone says the runtime no longer lists replica name of svc: it stopped
// between the listing and the reading (a scale-in), which is no error.
func gone(ctx context.Context, r Runtime, m stackmode.Mode, svc, name string) bool {
	rs, err := r.ReplicaEndpoints(ctx, m, svc)
	return err == nil && !slices.ContainsFunc(rs, func(x api.Replica) bool { return x.Name == name })
}
