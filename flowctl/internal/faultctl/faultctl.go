// Package faultctl sets, clears and reads the faults of running services
// through their /admin/faults endpoints, for every service of every stack
// named: `flowctl fault` and the dashboard share it.
package faultctl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Op is what to do to each service's faults.
type Op int

const (
	Show Op = iota
	Set
	Clear
)

// Controller reaches the services' admin endpoints.
type Controller struct {
	Token string
	// URLs are mode's services' base URLs, by service name.
	URLs func(stackmode.Mode) map[string]string
	// Services are the valid service names (for ServiceName).
	Services []string
	// Runtime, when set, lists each service's replicas: every call goes to
	// each replica on its own (a fault is the service's, not one process's).
	Runtime func(context.Context) (stack.Runtime, error)
}

// Result is the faults in force afterwards, by mode and service.
type Result map[stackmode.Mode]map[string]api.Faults

// Apply does op (with faults for Set) to every service of every mode, in
// order, and returns what is in force afterwards; line, when set, is called
// for each service as it is done, with a note when the service runs other
// than one replica (how many got the call, or how its replicas disagree).
func (c Controller) Apply(ctx context.Context, modes []stackmode.Mode, services []string, op Op, faults api.Faults, line func(m stackmode.Mode, svc string, f api.Faults, note string)) (Result, error) {
	out := Result{}
	for _, m := range modes {
		out[m] = map[string]api.Faults{}
		for _, name := range services {
			svc, err := c.ServiceName(name)
			if err != nil {
				return out, err
			}
			got, note, err := c.call(ctx, m, svc, op, faults)
			if err != nil {
				return out, err
			}
			out[m][svc] = got
			if line != nil {
				line(m, svc, got, note)
			}
		}
	}
	return out, nil
}

// ServiceName accepts "inventory" for "inventory-svc".
func (c Controller) ServiceName(svc string) (string, error) {
	if !strings.HasSuffix(svc, "-svc") {
		svc += "-svc"
	}
	if !slices.Contains(c.Services, svc) {
		return "", fmt.Errorf("service %q: use one of %s", svc, strings.Join(c.Services, ", "))
	}
	return svc, nil
}

func (c Controller) call(ctx context.Context, m stackmode.Mode, svc string, op Op, faults api.Faults) (api.Faults, string, error) {
	base := c.URLs(m)[svc]
	admin := api.NewAdmin(base, svc, c.Token, &http.Client{Timeout: 5 * time.Second})
	if c.Runtime != nil {
		admin.EachReplica(stack.AdminReplicas(c.Runtime, m, svc))
	}
	var got api.Faults
	var reach api.Reach
	var err error
	switch op {
	case Set:
		got, reach, err = admin.Set(ctx, faults)
	case Clear:
		reach, err = admin.Clear(ctx)
		got = api.Faults{Latency: "0s"}
	default:
		got, reach, err = admin.Get(ctx)
	}
	if de, ok := errors.AsType[*api.DisagreeError](err); ok && op == Show {
		return got, de.Error(), nil // what show is for; the first replica's faults
	}
	return got, reachNote(reach), c.explain(m, svc, base, err)
}

// reachNote is "" for a service of one replica, else how many got the call.
func reachNote(r api.Reach) string {
	if r.Of == 1 && r.Unknown == "" {
		return ""
	}
	return "reached " + r.String()
}

// explain makes err one line for the CLI: no /admin, a replica that
// failed (named, with how many of N got the call), or unreachable.
func (c Controller) explain(m stackmode.Mode, svc, base string, err error) error {
	if _, ok := errors.AsType[*api.ReplicaError](err); ok {
		return err
	}
	if errors.Is(err, api.ErrNoAdmin) {
		return fmt.Errorf("%s has no /admin/faults: it was started without ADMIN_TOKEN; restart the stack with `flowctl up --mode %s`", svc, m)
	}
	if err != nil {
		return &UnreachableError{What: svc + " at " + base, Mode: m, Err: err}
	}
	return nil
}

// UnreachableError is a failed call, for the caller to explain.
type UnreachableError struct {
	What string
	Mode stackmode.Mode
	Err  error
}

func (e *UnreachableError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *UnreachableError) Unwrap() error { return e.Err }
