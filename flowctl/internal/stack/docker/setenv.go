package docker

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// SetEnv recreates svc's container of mode's stack with vars in compose's
// environment (docker-compose.yml passes the ones it names to the service;
// an empty value: the service's default) and returns once it is ready.
func (r *Runtime) SetEnv(ctx context.Context, m stackmode.Mode, svc string, vars map[string]string) error {
	if err := checkPassed(r.compose.Root, container(m, svc), vars); err != nil {
		return err
	}
	return stack.SetEnv(r.env, m, svc, vars, func() error {
		if err := r.recreate(ctx, m, []string{svc}); err != nil {
			return fmt.Errorf("recreate %s with %s: %w", container(m, svc), stack.EnvList(vars), err)
		}
		return nil
	})
}

// recreate recreates svcs' containers of mode's stack with the propagation
// and the variables set for them, and waits until they are ready.
func (r *Runtime) recreate(ctx context.Context, m stackmode.Mode, svcs []string) error {
	if err := r.composeUp(ctx, m, svcs); err != nil {
		return err
	}
	for _, svc := range svcs {
		if err := r.waitReady(ctx, m, svc); err != nil {
			return err
		}
	}
	return nil
}

// composeUp runs `compose up` for svcs' containers with the stack's fraud
// check as it is.
func (r *Runtime) composeUp(ctx context.Context, m stackmode.Mode, svcs []string) error {
	return r.composeUpWith(ctx, m, svcs, r.FraudCheck(m))
}

// composeUpWith runs `compose up` for svcs' containers with FRAUD_CHECK
// fraudCheck. compose takes one environment per call: services that share
// one are recreated together.
func (r *Runtime) composeUpWith(ctx context.Context, m stackmode.Mode, svcs []string, fraudCheck bool) error {
	if err := r.withToken(); err != nil {
		return err
	}
	var envs []string
	groups := map[string][]string{} // by their own variables
	for _, svc := range svcs {
		own := strings.Join(stack.Pairs(r.env[m][svc]), "\x00")
		if _, ok := groups[own]; !ok {
			envs = append(envs, own)
		}
		groups[own] = append(groups[own], svc)
	}
	pg := r.onPostgres(ctx, m)
	for _, own := range envs {
		cc, err := r.composeFor(m, groups[own][0], fraudCheck)
		if err != nil {
			return err
		}
		args := append(profiles(m, pg, fraudCheck), "up", "-d", "--no-deps")
		if pg {
			// Keep the replica count: up without --scale would go back to one.
			for _, svc := range groups[own] {
				n, err := r.Replicas(ctx, m, svc)
				if err != nil {
					return err
				}
				args = append(args, "--scale", fmt.Sprintf("%s=%d", replicaService(m, svc), max(n, 1)))
			}
		}
		for _, svc := range groups[own] {
			args = append(args, r.service(ctx, m, svc))
		}
		if err := cc.Run(ctx, io.Discard, args...); err != nil {
			return err
		}
	}
	return nil
}

// composeFor is compose with the environment svc's containers in mode's
// stack are created with: FRAUD_CHECK, the stack's propagation and SetEnv's
// variables.
func (r *Runtime) composeFor(m stackmode.Mode, svc string, fraudCheck bool) (*Compose, error) {
	if err := r.withToken(); err != nil {
		return nil, err
	}
	cc := r.compose.withFraudCheck(fraudCheck)
	if p, ok := r.propagation[m]; ok {
		cc.Env = append(cc.Env, "TRACE_PROPAGATION="+string(p))
	}
	cc.Env = append(cc.Env, stack.Pairs(r.env[m][svc])...)
	return cc, nil
}
