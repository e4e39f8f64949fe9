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
// with the token the service was started with.
type Admin struct {
	c       client
	service string
	token   string
}

// NewAdmin returns the admin client of the service at base.
func NewAdmin(base, service, token string, hc *http.Client) *Admin {
	return &Admin{c: newClient(base, hc), service: service, token: token}
}

// ErrNoAdmin: the service was started without ADMIN_TOKEN, so it has no
// /admin routes.
var ErrNoAdmin = errors.New("no /admin/faults: the service was started without ADMIN_TOKEN")

// SetFaults replaces the service's faults and returns them as it applied them.
func (a *Admin) SetFaults(ctx context.Context, f Faults) (Faults, error) {
	if f.Latency == "" {
		f.Latency = "0s" // the service wants a duration, not an absent one
	}
	return a.call(ctx, http.MethodPut, &f)
}

// ClearFaults removes every fault.
func (a *Admin) ClearFaults(ctx context.Context) error {
	_, err := a.call(ctx, http.MethodDelete, nil)
	return err
}

// GetFaults returns the faults in force.
func (a *Admin) GetFaults(ctx context.Context) (Faults, error) {
	return a.call(ctx, http.MethodGet, nil)
}

func (a *Admin) call(ctx context.Context, method string, body *Faults) (Faults, error) {
	var out Faults
	var in any
	if body != nil {
		in = body
	}
	_, err := a.c.doAuth(ctx, method, "/admin/faults", "Bearer "+a.token, in, &out)
	if pe, ok := errors.AsType[*ProblemError](err); ok {
		switch pe.Status {
		case http.StatusNotFound:
			return out, fmt.Errorf("%s: %w", a.service, ErrNoAdmin)
		case http.StatusUnauthorized, http.StatusForbidden:
			return out, fmt.Errorf("%s refused the admin token: set ADMIN_TOKEN to the token the stack was started with", a.service)
		}
	}
	if err != nil {
		return out, fmt.Errorf("%s %s/admin/faults: %w", method, strings.TrimSuffix(a.c.base, "/"), err)
	}
	return out, nil
}
