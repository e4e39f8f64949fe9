package stack

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// faultsFollowScale is the runtime every caller gets (Stacks.Runtime): a
// fault is the service's ("inventory-svc is slow"), so a replica a
// scale-out adds takes the faults the service runs with, read from a
// running replica before the scale and written to each replica added once
// it is ready. CrashAfterCommit is not handed on: it is armed once, on the
// processes it was set on.
type faultsFollowScale struct {
	runtime
	token func() (string, error)
}

// Scale scales, then writes the service's faults to the replicas added.
func (f faultsFollowScale) Scale(ctx context.Context, m stackmode.Mode, svc string, n int) error {
	before, faults, has, rerr := f.serviceFaults(ctx, m, svc)
	if err := f.runtime.Scale(ctx, m, svc, n); err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("%s (%s) scaled to %d, but its faults could not be read to hand on to the replicas added (`flowctl fault show`): %w", svc, m, n, rerr)
	}
	if !has {
		return nil
	}
	after, err := f.ReplicaEndpoints(ctx, m, svc)
	if err != nil {
		return fmt.Errorf("%s (%s) scaled to %d, but its faults were not handed to the replicas added: %w", svc, m, n, err)
	}
	added := slices.DeleteFunc(after, func(r api.Replica) bool {
		return slices.ContainsFunc(before, func(b api.Replica) bool { return b.Name == r.Name })
	})
	if len(added) == 0 {
		return nil
	}
	tok, _ := f.token()
	admin := api.NewAdmin("", svc, tok, nil).EachReplica(func(context.Context) ([]api.Replica, error) { return added, nil })
	if _, err := admin.SetFaults(ctx, faults); err != nil {
		return fmt.Errorf("%s (%s) scaled to %d, but the replicas added did not take its faults (%s): %w", svc, m, n, api.Describe(faults), err)
	}
	return nil
}

// serviceFaults are svc's replicas before a scale and the faults its first
// replica runs with; has is false when there are none to hand on (none
// set, no replica running, no /admin, a runtime that cannot list the
// replicas); an error when a running replica did not answer.
func (f faultsFollowScale) serviceFaults(ctx context.Context, m stackmode.Mode, svc string) ([]api.Replica, api.Faults, bool, error) {
	before, err := f.ReplicaEndpoints(ctx, m, svc)
	if err != nil || len(before) == 0 {
		return nil, api.Faults{}, false, nil
	}
	tok, err := f.token()
	if err != nil {
		return nil, api.Faults{}, false, err
	}
	first := before[:1]
	got, err := api.NewAdmin("", svc, tok, nil).EachReplica(func(context.Context) ([]api.Replica, error) { return first, nil }).GetFaults(ctx)
	switch {
	case errors.Is(err, api.ErrNoAdmin):
		return nil, api.Faults{}, false, nil
	case err != nil:
		return nil, api.Faults{}, false, err
	}
	got.CrashAfterCommit = 0
	return before, got, api.Describe(got) != "none", nil
}

// Unwrap is the runtime its provider opened, under what Stacks.Runtime
// adds to it (the faults a scale hands on): for a caller that needs the
// runtime's own type.
func Unwrap(rt Runtime) Runtime {
	if f, ok := rt.(faultsFollowScale); ok {
		return f.runtime
	}
	return rt
}
