package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// Faults are platform/faults.Settings on the wire (docs/openapi.yaml:
// FaultSettings); a member left out is zero, as PUT replaces them all.
type Faults = oapi.FaultSettings

// Admin is a service's /admin API (fault injection), which answers only
// with the token the service was started with. A fault is the service's,
// not one process's: with EachReplica every call goes to each running
// replica on its own, listed anew at each call.
type Admin struct {
	one      client
	service  string
	token    string
	replicas Replicas
}

// NewAdmin returns the admin client of the service at base (one replica,
// or whichever its balancer picks, until EachReplica).
func NewAdmin(base, service, token string, hc *http.Client) *Admin {
	return &Admin{one: newClient(base, hc), service: service, token: token}
}

// EachReplica makes every call go to each replica r lists; nil keeps the
// one base URL.
func (a *Admin) EachReplica(r Replicas) *Admin {
	a.replicas = r
	return a
}

// ErrNoAdmin: the service was started without ADMIN_TOKEN, so it has no
// /admin routes.
var ErrNoAdmin = errors.New("no /admin/faults: the service was started without ADMIN_TOKEN")

// SetFaults replaces the service's faults and returns them as it applied them.
func (a *Admin) SetFaults(ctx context.Context, f Faults) (Faults, error) {
	got, _, err := a.Set(ctx, f)
	return got, err
}

// ClearFaults removes every fault.
func (a *Admin) ClearFaults(ctx context.Context) error {
	_, err := a.Clear(ctx)
	return err
}

// GetFaults returns the faults in force; a *DisagreeError when the
// replicas run with different ones.
func (a *Admin) GetFaults(ctx context.Context) (Faults, error) {
	got, _, err := a.Get(ctx)
	return got, err
}

// Set replaces the faults of every replica and says which it reached. A
// PUT is idempotent: sent twice to one replica it leaves the same faults.
func (a *Admin) Set(ctx context.Context, f Faults) (Faults, Reach, error) {
	if f.Latency == "" {
		f.Latency = "0s" // the service wants a duration, not an absent one
	}
	by, order, reach, err := a.each(ctx, http.MethodPut, &f)
	if err != nil {
		return Faults{}, reach, err
	}
	return by[order[0]], reach, nil
}

// Clear removes every fault of every replica.
func (a *Admin) Clear(ctx context.Context) (Reach, error) {
	_, _, reach, err := a.each(ctx, http.MethodDelete, nil)
	return reach, err
}

// Get reads each replica's faults: the one set when they agree, else the
// first replica's and a *DisagreeError naming each.
func (a *Admin) Get(ctx context.Context) (Faults, Reach, error) {
	by, order, reach, err := a.each(ctx, http.MethodGet, nil)
	if err != nil {
		return Faults{}, reach, err
	}
	first := by[order[0]]
	for _, name := range order[1:] {
		if by[name] != first {
			return first, reach, &DisagreeError{Service: a.service, By: by}
		}
	}
	return first, reach, nil
}

// each sends the call to every replica, in the order listed, and returns
// each answer by name. One replica's error is returned as it is; with more
// a *ReplicaError names each that failed.
func (a *Admin) each(ctx context.Context, method string, body *Faults) (map[string]Faults, []string, Reach, error) {
	rs, reach, err := a.targets(ctx)
	if err != nil {
		return nil, nil, reach, err
	}
	by, failed := map[string]Faults{}, map[string]error{}
	var order []string
	for _, r := range rs {
		f, err := a.call(ctx, newClient(r.Base, r.Client), r.Name, method, body)
		if err != nil {
			failed[r.Name] = err
			continue
		}
		by[r.Name] = f
		order = append(order, r.Name)
	}
	reach.Got = order
	switch {
	case len(failed) > 0 && len(rs) == 1:
		return nil, nil, reach, failed[rs[0].Name]
	case len(failed) > 0:
		return nil, nil, reach, &ReplicaError{Service: a.service, Method: method, Reach: reach, Failed: failed}
	}
	return by, order, reach, nil
}

// targets are the replicas a call goes to, listed now.
func (a *Admin) targets(ctx context.Context) ([]Replica, Reach, error) {
	one := []Replica{{Name: a.service, Base: a.one.base, Client: a.one.hc}}
	if a.replicas == nil {
		return one, Reach{Of: 1}, nil
	}
	rs, err := a.replicas(ctx)
	switch {
	case errors.Is(err, ErrReplicasUnknown):
		why := strings.TrimPrefix(err.Error(), ErrReplicasUnknown.Error()+": ")
		return one, Reach{Unknown: why}, nil
	case err != nil:
		return nil, Reach{}, fmt.Errorf("%s: list its replicas: %w", a.service, err)
	case len(rs) == 0:
		return nil, Reach{}, fmt.Errorf("%s: no replica of it runs; start it (`flowctl start`) first", a.service)
	}
	return rs, Reach{Of: len(rs)}, nil
}

func (a *Admin) call(ctx context.Context, c client, name, method string, body *Faults) (Faults, error) {
	var out Faults
	var in any
	if body != nil {
		in = body
	}
	_, err := c.doAuth(ctx, method, "/admin/faults", "Bearer "+a.token, in, &out)
	if pe, ok := errors.AsType[*ProblemError](err); ok {
		switch pe.Status {
		case http.StatusNotFound:
			return out, fmt.Errorf("%s: %w", name, ErrNoAdmin)
		case http.StatusUnauthorized, http.StatusForbidden:
			return out, fmt.Errorf("%s refused the admin token: set ADMIN_TOKEN to the token the stack was started with", name)
		}
	}
	if err != nil {
		return out, fmt.Errorf("%s %s/admin/faults: %w", method, strings.TrimSuffix(c.base, "/"), err)
	}
	return out, nil
}
